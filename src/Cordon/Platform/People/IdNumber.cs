using System.Globalization;
using System.Text;

namespace Cordon.Platform.People;

/// <summary>The outcome of checking a mainland ID number; <see cref="Error"/> is null when valid.</summary>
public readonly record struct IdCheck(string Normalized, string? Error, DateOnly? BirthDate, Sex Sex)
{
    public bool IsValid => Error is null;
}

/// <summary>
/// Mainland resident ID numbers (GB 11643-1999): six-digit division code, eight-digit birth date,
/// three-digit sequence (odd for men), ISO 7064 MOD 11-2 check character.
/// </summary>
public static class IdNumber
{
    private static readonly int[] Weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string CheckChars = "10X98765432";

    /// <summary>Province-level division codes (GB/T 2260), the first two digits.</summary>
    private static readonly HashSet<string> Provinces =
    [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
        "71", "81", "82", "83",
    ];

    /// <summary>Full-width digits and letters become half-width; spaces and dashes go.</summary>
    public static string Normalize(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return "";
        }

        var builder = new StringBuilder(raw.Length);
        foreach (var c in raw.Normalize(NormalizationForm.FormKC))
        {
            if (char.IsWhiteSpace(c) || c is '-' or '\u00A0' or '\'')
            {
                continue;
            }

            builder.Append(char.ToUpperInvariant(c));
        }

        return builder.ToString();
    }

    public static IdCheck Check(string? raw, DateOnly today)
    {
        var value = Normalize(raw);
        if (value.Length == 0)
        {
            return new(value, PeopleErrors.IdMissing.Code, null, Sex.Unknown);
        }

        if (LooksRoundedBySpreadsheet(raw!, value))
        {
            return new(value, PeopleErrors.IdRoundedBySpreadsheet.Code, null, Sex.Unknown);
        }

        if (value.Length == 15 && value.All(char.IsAsciiDigit))
        {
            return new(value, PeopleErrors.IdLegacy15.Code, null, Sex.Unknown);
        }

        if (value.Length != 18)
        {
            return new(value, PeopleErrors.IdLength.Code, null, Sex.Unknown);
        }

        if (!value[..17].All(char.IsAsciiDigit) || !(char.IsAsciiDigit(value[17]) || value[17] == 'X'))
        {
            return new(value, PeopleErrors.IdCharacters.Code, null, Sex.Unknown);
        }

        if (!Provinces.Contains(value[..2]))
        {
            return new(value, PeopleErrors.IdRegion.Code, null, Sex.Unknown);
        }

        if (!DateOnly.TryParseExact(value.AsSpan(6, 8), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var birth)
            || birth.Year < 1880)
        {
            return new(value, PeopleErrors.IdBirthDate.Code, null, Sex.Unknown);
        }

        if (birth > today)
        {
            return new(value, PeopleErrors.IdBirthInFuture.Code, null, Sex.Unknown);
        }

        if (CheckChar(value.AsSpan(0, 17)) != value[17])
        {
            return new(value, PeopleErrors.IdCheckDigit.Code, null, Sex.Unknown);
        }

        var sex = (value[16] - '0') % 2 == 1 ? Sex.Male : Sex.Female;
        return new(value, null, birth, sex);
    }

    /// <summary>The ISO 7064 MOD 11-2 check character of the first 17 digits.</summary>
    public static char CheckChar(ReadOnlySpan<char> first17)
    {
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (first17[i] - '0') * Weights[i];
        }

        return CheckChars[sum % 11];
    }

    /// <summary>Builds a valid number; used for synthetic demo and benchmark data only.</summary>
    public static string Compose(string division, DateOnly birth, int sequence)
    {
        var first17 = division + birth.ToString("yyyyMMdd", CultureInfo.InvariantCulture) + sequence.ToString("000", CultureInfo.InvariantCulture);
        return first17 + CheckChar(first17);
    }

    /// <summary>
    /// Excel keeps 15 significant digits: an 18-digit number typed into a number cell comes back as
    /// <c>3.10101E+17</c> or as digits ending in <c>000</c>. Say so instead of blaming the check digit.
    /// </summary>
    private static bool LooksRoundedBySpreadsheet(string raw, string normalized)
    {
        var trimmed = raw.Trim();
        if (trimmed.Contains('E', StringComparison.OrdinalIgnoreCase) && trimmed.Any(char.IsAsciiDigit)
            && double.TryParse(trimmed, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number > 1e16)
        {
            return true;
        }

        if (trimmed.Contains('.') && normalized.All(c => char.IsAsciiDigit(c) || c == '.') && normalized.Length >= 17)
        {
            return true;
        }

        // 18 digits whose last three are 000 and that fail the check: Excel's 15-digit precision.
        return normalized.Length == 18 && normalized.All(char.IsAsciiDigit) && normalized.EndsWith("000", StringComparison.Ordinal)
            && CheckChar(normalized.AsSpan(0, 17)) != normalized[17];
    }
}
