using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Localization;

namespace Cordon.Platform.Localization;

/// <summary>
/// Every user-visible string of Cordon, in zh-CN and en-US. Each feature keeps its strings beside its
/// code in <c>*.strings.json</c> files (<c>{"key": ["中文", "English"]}</c>), embedded at build time.
/// </summary>
public sealed class Catalog
{
    private readonly Dictionary<string, string[]> _strings;

    public Catalog() : this(typeof(Catalog).Assembly)
    {
    }

    internal Catalog(Assembly assembly)
    {
        _strings = new(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".strings.json", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            var entries = JsonSerializer.Deserialize<Dictionary<string, string[]>>(stream)
                ?? throw new InvalidOperationException($"{name} is empty.");
            foreach (var (key, values) in entries)
            {
                if (values.Length != 2 || values.Any(string.IsNullOrWhiteSpace))
                {
                    throw new InvalidOperationException($"{name}: '{key}' needs exactly a Chinese and an English text.");
                }

                if (!_strings.TryAdd(key, values))
                {
                    throw new InvalidOperationException($"{name}: '{key}' is defined twice.");
                }
            }
        }
    }

    public IReadOnlyCollection<string> Keys => _strings.Keys;

    public static bool IsEnglish(CultureInfo culture) => culture.TwoLetterISOLanguageName == "en";

    public string? Find(string key, CultureInfo culture) =>
        _strings.TryGetValue(key, out var values) ? values[IsEnglish(culture) ? 1 : 0] : null;

    /// <summary>The text in the current UI language with its arguments; the key itself when the catalog has none.</summary>
    public string Text(string key, params object?[] args) =>
        string.Format(CultureInfo.InvariantCulture, Find(key, CultureInfo.CurrentUICulture) ?? key, args);

    /// <summary>Both languages, for messages that must carry both (API errors, import reports).</summary>
    public (string Zh, string En) Both(string key, params object?[] args)
    {
        if (!_strings.TryGetValue(key, out var values))
        {
            return (key, key);
        }

        return (string.Format(CultureInfo.InvariantCulture, values[0], args), string.Format(CultureInfo.InvariantCulture, values[1], args));
    }
}

/// <summary>The localizer every view, page and validator uses; one catalog for all types.</summary>
public sealed class CatalogLocalizer(Catalog catalog) : IStringLocalizer
{
    public LocalizedString this[string name]
    {
        get
        {
            var value = catalog.Find(name, CultureInfo.CurrentUICulture);
            return new LocalizedString(name, value ?? name, resourceNotFound: value is null);
        }
    }

    public LocalizedString this[string name, params object[] arguments]
    {
        get
        {
            var value = catalog.Find(name, CultureInfo.CurrentUICulture);
            return new LocalizedString(
                name,
                string.Format(CultureInfo.CurrentCulture, value ?? name, arguments),
                resourceNotFound: value is null);
        }
    }

    public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) =>
        catalog.Keys.Select(k => this[k]);
}

public sealed class CatalogLocalizerFactory(Catalog catalog) : IStringLocalizerFactory
{
    private readonly CatalogLocalizer _localizer = new(catalog);

    public IStringLocalizer Create(Type resourceSource) => _localizer;

    public IStringLocalizer Create(string baseName, string location) => _localizer;
}
