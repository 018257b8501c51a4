namespace Cordon.Platform.People;

public static class Names
{
    /// <summary>张三丰 → 张**: enough to call someone forward, not enough to identify them.</summary>
    public static string Mask(string name) =>
        string.IsNullOrEmpty(name) ? name : name.Contains(' ', StringComparison.Ordinal) ? name.Split(' ')[0] + " *" : name[0] + new string('*', Math.Max(1, name.Length - 1));
}
