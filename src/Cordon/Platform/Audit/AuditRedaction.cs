using System.Runtime.CompilerServices;
using Cordon.Platform.Auth;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Cordon.Platform.Audit;

/// <summary>
/// Which values of an audit line a viewer may read. ID numbers and phones are stored masked already; birth dates
/// show only to roles that see birth dates, names, health tags and notes only to roles that see residents (an
/// administrator reads who changed what, not the values). The kinds come from the model's <c>IsSensitive</c> marks.
/// </summary>
public static class AuditRedaction
{
    private static readonly ConditionalWeakTable<IModel, Dictionary<(string Entity, string Field), SensitiveKind>> Kinds = [];

    public static bool Shows(IModel model, string? entityType, string field, Caller viewer)
    {
        if (entityType is null || !KindsOf(model).TryGetValue((entityType, field), out var kind))
        {
            return true;
        }

        return kind switch
        {
            SensitiveKind.BirthDate => viewer.Can(Permission.RevealPersonalData),
            SensitiveKind.Personal => viewer.Can(Permission.ViewResidents),
            _ => true,
        };
    }

    private static Dictionary<(string Entity, string Field), SensitiveKind> KindsOf(IModel model) => Kinds.GetValue(model, m =>
    {
        var kinds = new Dictionary<(string, string), SensitiveKind>();
        foreach (var entity in m.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                if (Mask.SensitiveKindOf(property) is { } kind)
                {
                    kinds[(entity.ClrType.Name, property.Name)] = kind;
                }
            }
        }

        return kinds;
    });
}
