using System.Text.Json;
using Cordon.Platform.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Platform.Audit;

/// <summary>One changed field of an audit line, as shown to people.</summary>
public sealed record FieldChange(string Field, string? Before, string? After);

public static class AuditChanges
{
    public static IReadOnlyList<FieldChange> Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        var result = new List<FieldChange>();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Array && property.Value.GetArrayLength() == 2)
            {
                result.Add(new FieldChange(property.Name, Text(property.Value[0]), Text(property.Value[1])));
            }
            else
            {
                result.Add(new FieldChange(property.Name, null, Text(property.Value)));
            }
        }

        return result;
    }

    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => value.GetString(),
        _ => value.GetRawText(),
    };
}

/// <summary>
/// The per-record history any page embeds: <c>@await Component.InvokeAsync("History", new { entityType, entityId })</c>.
/// It shows who changed what, when, from what, for a record the page has already found in jurisdiction.
/// </summary>
public sealed class HistoryViewComponent(CordonDb db) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(string entityType, string entityId)
    {
        var entries = await db.AuditLog.AsNoTracking()
            .Where(a => a.EntityType == entityType && a.EntityId == entityId)
            .OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Take(200)
            .ToListAsync();
        return View(entries);
    }
}
