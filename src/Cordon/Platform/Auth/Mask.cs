using Cordon.Platform.People;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Platform.Auth;

/// <summary>The kinds of personal data that are masked unless a role needs them.</summary>
public enum SensitiveKind
{
    IdNumber,
    Phone,
}

/// <summary>Masks ID numbers (<c>310***********123X</c>) and phones (<c>138****5678</c>).</summary>
public static class Mask
{
    private const string Annotation = "Cordon:Sensitive";

    public static string? IdNumber(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value;
        }

        // Short documents (passports, permits) keep less of themselves visible.
        var head = value.Length >= 15 ? 3 : Math.Min(2, value.Length / 4);
        var tail = value.Length >= 15 ? 4 : Math.Min(2, value.Length / 4);
        return value[..head] + new string('*', value.Length - head - tail) + value[^tail..];
    }

    public static string? Phone(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value;
        }

        return value.Length < 8 ? new string('*', value.Length) : value[..3] + new string('*', value.Length - 7) + value[^4..];
    }

    public static string? Apply(SensitiveKind kind, string? value) =>
        kind == SensitiveKind.IdNumber ? IdNumber(value) : Phone(value);

    /// <summary>Marks a column as personal data: the audit log stores it masked.</summary>
    public static PropertyBuilder<string?> IsSensitive(this PropertyBuilder<string?> property, SensitiveKind kind) =>
        property.HasAnnotation(Annotation, kind.ToString());

    public static SensitiveKind? SensitiveKindOf(IReadOnlyProperty property) =>
        property.FindAnnotation(Annotation)?.Value is string s && Enum.TryParse<SensitiveKind>(s, out var kind) ? kind : null;
}
