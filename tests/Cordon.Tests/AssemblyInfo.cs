using Cordon.Tests.Infrastructure;

[assembly: AssemblyFixture(typeof(DemoApp))]
