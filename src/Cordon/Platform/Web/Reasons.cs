using System.Globalization;
using System.Text;

namespace Cordon.Platform.Web;

/// <summary>
/// The words a person gives for a decision that is audited (a reveal, a correction, a reopened round, a dismissed
/// conflict): real words, not <c>..</c> or invisible characters. A Chinese character counts twice, so
/// <c>核实</c> or <c>recall</c> pass and <c>ok</c> does not.
/// </summary>
public static class Reasons
{
    public const int MaxLength = 300;

    public static (string Value, bool Ok) Check(string? raw, int max = MaxLength)
    {
        var value = Text.Clean(raw);
        if (value.Length > max || value.Any(c => char.IsControl(c) || Text.IsInvisible(c)))
        {
            return (value, false);
        }

        var weight = value.Sum(c => !char.IsLetterOrDigit(c) ? 0 : c > '\u2E80' ? 2 : 1);
        return (value, weight >= 4);
    }

    /// <summary>Free text that may be short or empty (a note, a driver's name): cleaned, within <paramref name="max"/>, nothing invisible.</summary>
    public static (string Value, bool Ok) Note(string? raw, int max)
    {
        var value = Text.Clean(raw);
        return (value, value.Length <= max && !value.Any(c => char.IsControl(c) || Text.IsInvisible(c)));
    }
}

/// <summary>Text typed by people, cleaned one way everywhere before it is stored or compared.</summary>
public static class Text
{
    /// <summary>Free text (a reason, a note): composed (NFC), trimmed, runs of white space as one space; Chinese punctuation kept.</summary>
    public static string Clean(string? raw) => Collapse(raw, NormalizationForm.FormC);

    /// <summary>A name or code, compared with others: also full-width letters and digits folded to half-width (NFKC).</summary>
    public static string Fold(string? raw) => Collapse(raw, NormalizationForm.FormKC);

    private static string Collapse(string? raw, NormalizationForm form)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return "";
        }

        var value = raw.Normalize(form);
        var builder = new StringBuilder(value.Length);
        var space = false;
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>Zero-width, direction and other format characters: they make look-alike duplicates and hide text.</summary>
    public static bool IsInvisible(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
        || c is '\u3164' or '\u115F' or '\u1160' or '\uFFA0';
}
