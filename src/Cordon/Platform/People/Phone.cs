using System.Text;

namespace Cordon.Platform.People;

/// <summary>Mainland mobile numbers: 11 digits starting 13–19, with an optional +86.</summary>
public static class Phone
{
    public static string Normalize(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return "";
        }

        var builder = new StringBuilder();
        foreach (var c in raw.Normalize(NormalizationForm.FormKC))
        {
            if (char.IsAsciiDigit(c) || c == '+')
            {
                builder.Append(c);
            }
            else if (!(char.IsWhiteSpace(c) || c is '-' or '(' or ')' or '\''))
            {
                builder.Append(c);
            }
        }

        var value = builder.ToString();
        if (value.StartsWith("+86", StringComparison.Ordinal))
        {
            value = value[3..];
        }
        else if (value.StartsWith("0086", StringComparison.Ordinal))
        {
            value = value[4..];
        }

        return value;
    }

    /// <summary>Null when valid, else the error code.</summary>
    public static string? Check(string normalized) =>
        normalized.Length == 11 && normalized[0] == '1' && normalized[1] is >= '3' and <= '9' && normalized.All(char.IsAsciiDigit)
            ? null
            : PeopleErrors.PhoneInvalid.Code;
}
