using System.Globalization;
using System.Text.RegularExpressions;
using Cordon.Platform.Localization;
using Cordon.Platform.Time;
using Microsoft.Extensions.Options;

namespace Cordon.Tests.Platform;

public sealed partial class LocalizationTests
{
    private static readonly Catalog Catalog = new();

    [Fact]
    public void EveryKeyUsedInTheSourceHasAChineseAndAnEnglishText()
    {
        var root = SourceRoot();
        var missing = new SortedSet<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (Match m in LiteralKey().Matches(text))
            {
                var key = m.Groups["key"].Value;
                if (Catalog.Find(key, new CultureInfo("zh-CN")) is null)
                {
                    missing.Add($"{key} ({Path.GetFileName(file)})");
                }
            }

            foreach (Match m in ErrorCode().Matches(text))
            {
                var key = "error." + m.Groups["code"].Value;
                if (Catalog.Find(key, new CultureInfo("zh-CN")) is null)
                {
                    missing.Add($"{key} ({Path.GetFileName(file)})");
                }
            }
        }

        Assert.Empty(missing);
    }

    [Fact]
    public void TheTwoLanguagesDiffer()
    {
        // A key whose Chinese equals its English was probably never translated.
        var same = Catalog.Keys.Where(k => Catalog.Find(k, new CultureInfo("zh-CN")) == Catalog.Find(k, new CultureInfo("en-US")))
            .Where(k => k is not "app.name").ToList();
        Assert.Empty(same);
    }

    [Fact]
    public void TimesAreShownInShanghaiByDefault()
    {
        var time = new LocalTime(Options.Create(new Cordon.Platform.CordonOptions()), TimeProvider.System);
        Assert.Equal("2022-03-07 05:30", time.Format(new DateTime(2022, 3, 6, 21, 30, 0, DateTimeKind.Utc)));
        Assert.Equal(new DateTime(2022, 3, 6, 21, 30, 0, DateTimeKind.Utc), time.ToUtc(new DateTime(2022, 3, 7, 5, 30, 0)));
    }

    [Fact]
    public void TheZoneIsConfigurable()
    {
        var time = new LocalTime(Options.Create(new Cordon.Platform.CordonOptions { TimeZone = "Asia/Urumqi" }), TimeProvider.System);
        Assert.Equal("2022-03-07 03:30", time.Format(new DateTime(2022, 3, 6, 21, 30, 0, DateTimeKind.Utc)));
    }

    internal static string SourceRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Cordon.slnx")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory!.FullName, "src", "Cordon");
    }

    [GeneratedRegex("""(?:T|text|Text|L)\["(?<key>[a-z][a-z0-9-]*\.[a-zA-Z0-9.\-_]+)"(?:\]|,)""")]
    private static partial Regex LiteralKey();

    [GeneratedRegex(""""new Error\("(?<code>[a-z_0-9]+)"""")]
    private static partial Regex ErrorCode();
}
