// `dotnet ef` loads this assembly for DesignTimeFactory and DesignTimeServices; running it does nothing.
System.Console.WriteLine("Cordon.Design is the startup project of dotnet ef; see docs/decisions/004.");
