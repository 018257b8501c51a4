using System.Globalization;
using System.Text.RegularExpressions;

namespace Cordon.Platform.Places;

/// <summary>Addresses the way a committee writes them: <c>12号-3-502</c> or, with one entrance, <c>12号502</c>.</summary>
public static partial class Address
{
    /// <summary>The highest floor Cordon accepts (Shanghai's tallest tower has 128): a room number naming a higher one is a typing error.</summary>
    public const int MaxFloor = 130;

    /// <summary>A plausible room number: up to five digits with an optional letter before or after, on floor 1 to <see cref="MaxFloor"/>.</summary>
    public static bool IsPlausibleRoom(string room) => RoomPattern().IsMatch(room) && FloorOf(room) <= MaxFloor;

    public static string Format(string building, int entrance, string room, int entrances) =>
        entrances > 1 ? $"{building}-{entrance}-{room}" : $"{building}{room}";

    /// <summary>Building numbers are stored as <c>12号</c> whatever the spreadsheet says (12, 12号楼, 12幢).</summary>
    public static string NormalizeBuilding(string raw)
    {
        var value = raw.Normalize(System.Text.NormalizationForm.FormKC).Trim();
        var match = BuildingPattern().Match(value);
        return match.Success ? match.Groups["n"].Value.TrimStart('0') is { Length: > 0 } n ? n + "号" : "0号" : value;
    }

    public static int SortKey(string building) =>
        LeadingDigits().Match(building) is { Success: true } m && int.TryParse(m.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : int.MaxValue;

    /// <summary>The floor a room number names: <c>502</c> is floor 5, <c>1203</c> floor 12, <c>B102</c> floor 1.</summary>
    public static int FloorOf(string room)
    {
        var digits = LeadingDigits().Match(room.TrimStart('B', 'b', 'A', 'a')).Value;
        if (digits.Length < 3 || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return 1;
        }

        return Math.Max(1, n / 100);
    }

    public static string NormalizeRoom(string raw) =>
        raw.Normalize(System.Text.NormalizationForm.FormKC).Trim().TrimEnd('室', '号').Trim().ToUpperInvariant();

    /// <summary>Reads <c>12-3-502</c>, <c>12号-3-502</c>, <c>12号502</c>, <c>12号3单元502室</c>.</summary>
    public static (string Building, int? Entrance, string Room)? TryParse(string text)
    {
        var value = text.Normalize(System.Text.NormalizationForm.FormKC).Trim();
        var match = QueryPattern().Match(value);
        if (!match.Success)
        {
            return null;
        }

        int? entrance = match.Groups["e"].Success ? int.Parse(match.Groups["e"].Value, CultureInfo.InvariantCulture) : null;
        return (NormalizeBuilding(match.Groups["b"].Value), entrance, match.Groups["r"].Value.ToUpperInvariant());
    }

    [GeneratedRegex(@"^(?<n>\d+)\s*(号楼|号|幢|栋|楼)?$")]
    private static partial Regex BuildingPattern();

    [GeneratedRegex(@"^\d+")]
    private static partial Regex LeadingDigits();

    [GeneratedRegex(@"^[A-Z]?\d{1,5}[A-Z]?$")]
    private static partial Regex RoomPattern();

    [GeneratedRegex(@"^(?<b>\d+)\s*(号楼|号|幢|栋)?\s*(?:[-—－ ]\s*(?<e>\d{1,2})\s*(单元)?\s*[-—－ ]?|(?<e>\d{1,2})\s*单元)?\s*(?<r>[A-Za-z]?\d{3,4})\s*室?$")]
    private static partial Regex QueryPattern();
}
