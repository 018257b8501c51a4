using Cordon.Platform.Localization;
using Microsoft.Extensions.Localization;

namespace Cordon.Features.Lockdowns;

/// <summary>
/// Milestone and checklist labels in the reader's language: the stored label is the plan's Chinese text, so a label
/// the admin left at the default is shown from the catalog (Chinese or English), and one they wrote is shown as written.
/// </summary>
public static class Labels
{
    public static string Milestone(Catalog catalog, IStringLocalizer t, string key, string stored) => Pick(catalog, t, "lockdowns.milestone." + key, stored);

    public static string Check(Catalog catalog, IStringLocalizer t, string key, string stored) => Pick(catalog, t, "lockdowns.check." + key, stored);

    private static string Pick(Catalog catalog, IStringLocalizer t, string key, string stored) =>
        catalog.Find(key, System.Globalization.CultureInfo.GetCultureInfo("zh-CN")) is { } zh && (stored.Length == 0 || stored == zh) ? t[key] : stored;
}
