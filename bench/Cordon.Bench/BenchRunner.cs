namespace Cordon.Bench;

/// <summary>Runs one benchmark by name: <c>dotnet run -c Release --project bench/Cordon.Bench -- import</c>.</summary>
public static class BenchRunner
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.WriteLine("Benchmarks: (none yet)");
        return Task.FromResult(args.Length == 0 ? 0 : 2);
    }
}
