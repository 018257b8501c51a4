using Cordon.Platform.People;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Cordon.Platform.Auth;

/// <summary>The kinds of personal data that are masked unless a role needs them.</summary>
public enum SensitiveKind
{
    /// <summary>Stored masked everywhere outside its own column, the audit log included.</summary>
    IdNumber,

    /// <summary>Stored masked everywhere outside its own column, the audit log included.</summary>
    Phone,

    /// <summary>Kept in the audit log; shown there only to roles that see birth dates (docs/decisions/009).</summary>
    BirthDate,

    /// <summary>Names, health tags, notes: kept in the audit log, shown there only to roles that see residents.</summary>
    Personal,
}

/// <summary>Masks ID numbers (<c>3****************X</c>) and phones (<c>1*******678</c>) the one way every page, list and log shows them.</summary>
public static class Mask
{
    private const string Annotation = "Cordon:Sensitive";

    /// <summary>
    /// First and last character only (<c>3****************2</c>): with an age beside it, tens of millions of
    /// numbers remain possible (docs/decisions/009).
    /// </summary>
    public static string? IdNumber(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value;
        }

        return value.Length < 4 ? new string('*', value.Length) : value[0] + new string('*', value.Length - 2) + value[^1];
    }

    /// <summary>
    /// The last three digits only (<c>1*******678</c>): a mainland mobile number has 7 × 10⁹ possible values, so
    /// about seven million share any three last digits (docs/decisions/009).
    /// </summary>
    public static string? Phone(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return value;
        }

        return value.Length < 8 ? new string('*', value.Length) : value[0] + new string('*', value.Length - 4) + value[^3..];
    }

    /// <summary>The stored form of a value in the audit log: numbers masked, everything else as it is.</summary>
    public static object? ForAudit(SensitiveKind kind, object? value) => kind switch
    {
        SensitiveKind.IdNumber => IdNumber(value as string),
        SensitiveKind.Phone => Phone(value as string),
        _ => value,
    };

    /// <summary>Marks a column as personal data: the audit log stores it masked.</summary>
    public static PropertyBuilder<T> IsSensitive<T>(this PropertyBuilder<T> property, SensitiveKind kind) =>
        property.HasAnnotation(Annotation, kind.ToString());

    public static SensitiveKind? SensitiveKindOf(IReadOnlyProperty property) =>
        property.FindAnnotation(Annotation)?.Value is string s && Enum.TryParse<SensitiveKind>(s, out var kind) ? kind : null;
}
