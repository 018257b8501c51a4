using Cordon.Bench;

return await BenchRunner.RunAsync(args);
