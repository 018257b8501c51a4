using System.Globalization;
using System.Text.Json;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Offline;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Sweeps;

/// <summary>
/// Refused visits in the supervisors' inbox (docs/decisions/010): where and why, and a retry with the one field a
/// person corrects (a mistyped ID number, phone or name). The inbox keeps no numbers, so on a retry the other new
/// people of that visit are proposed without theirs; the proposal's reviewer sees so.
/// </summary>
public sealed class SweepConflicts(Caller caller, Catalog catalog, VisitDesk visits, SweepRounds rounds, SweepDesk desk) : IConflictResolver
{
    public const string Feature = "sweep";

    /// <summary>What the inbox keeps of a refused visit: the visit without numbers, and the field refused.</summary>
    public sealed record Kept(VisitCommand Visit, string? Field);

    string IConflictResolver.Feature => Feature;

    public static RefusedWrite Refused(Guid sweepId, VisitCommand command, VisitOutcomeResult outcome, string zh, string en) => new(
        command.Id, sweepId, command.DeviceId, command.DeviceSequence,
        JsonSerializer.Serialize(new Kept(command.WithoutNumbers(), outcome.Field), CordonDb.AuditJson),
        ConflictSubject.None, outcome.Error!, zh, en);

    public async Task<IReadOnlyDictionary<Guid, ConflictView>> DescribeAsync(IReadOnlyList<SyncConflict> conflicts, CancellationToken cancellationToken)
    {
        var views = new Dictionary<Guid, ConflictView>();
        if (!caller.Can(Permission.RunLockdowns) || conflicts.Count == 0)
        {
            return views;
        }

        var sweepIds = conflicts.Select(c => c.ScopeId).Distinct().ToList();
        var sweeps = await desk.Visible().AsNoTracking().Where(s => sweepIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
        var kept = conflicts.ToDictionary(c => c.Id, Read);
        var flats = kept.Values.Select(k => k?.Visit.FlatId).OfType<Guid>().Distinct().ToList();
        var addresses = await rounds.AddressesAsync(flats, cancellationToken);
        var english = Catalog.IsEnglish(CultureInfo.CurrentUICulture);
        foreach (var conflict in conflicts)
        {
            if (!sweeps.TryGetValue(conflict.ScopeId, out var sweep))
            {
                continue;
            }

            var visit = kept[conflict.Id];
            var address = visit?.Visit.FlatId is { } flat ? addresses.GetValueOrDefault(flat, T("conflicts.subject-elsewhere")) : "—";
            var retry = conflict.Status == ConflictStatus.Open && visit is not null && Correctable(visit.Field);
            views[conflict.Id] = new ConflictView(
                address,
                T("sweeps.conflict-where", sweep.Round, sweep.Label, visit?.Field ?? "—"),
                english ? conflict.MessageEn : conflict.Message,
                T(retry ? "sweeps.conflict-advice-correct" : "sweeps.conflict-advice-other"),
                retry,
                retry ? T("sweeps.conflict-retry") : null);
        }

        return views;
    }

    public async Task<(Guid? RecordId, string? Error, string Resolution)> RetryAsync(SyncConflict conflict, string? correction, CancellationToken cancellationToken)
    {
        if (Read(conflict) is not { } kept || await desk.FindAsync(conflict.ScopeId, cancellationToken) is not { } sweep)
        {
            return (null, catalog.Message(VisitErrors.ItemInvalid, "—"), "");
        }

        var visit = Corrected(kept, correction?.Trim()) with { Id = Guid.CreateVersion7(), DeviceId = null, DeviceSequence = null };
        var outcome = await visits.RecordAsync(sweep, visit, cancellationToken);
        return outcome.Error is { } error ? (null, catalog.Message(error, outcome.Args), "") : (visit.Id, null, $"→ {kept.Field}");
    }

    private static bool Correctable(string? field) =>
        field is not null && (field.EndsWith(".documentNumber", StringComparison.Ordinal) || field.EndsWith(".phone", StringComparison.Ordinal)
            || field.EndsWith(".name", StringComparison.Ordinal));

    /// <summary>The kept visit with the refused field replaced by the person's correction.</summary>
    private static VisitCommand Corrected(Kept kept, string? value)
    {
        var visit = kept.Visit;
        var field = kept.Field ?? "";
        var open = field.IndexOf('[', StringComparison.Ordinal);
        if (!Correctable(field) || open < 0)
        {
            return visit;
        }

        var list = field[..open];
        var index = int.Parse(field[(open + 1)..field.IndexOf(']', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
        var name = field[(field.LastIndexOf('.') + 1)..];
        switch (list)
        {
            case "newPeople" when visit.NewPeople is { } people && index < people.Count && people[index] is { } person:
                people[index] = name switch
                {
                    "documentNumber" => person with { DocumentNumber = value },
                    "phone" => person with { Phone = value },
                    _ => person with { Name = value },
                };
                break;
            case "visitors" when visit.Visitors is { } guests && index < guests.Count && guests[index] is { } guest:
                guests[index] = name == "phone" ? guest with { Phone = value } : guest with { Name = value };
                break;
            case "residents" when visit.Residents is { } residents && index < residents.Count && residents[index] is { } resident && name == "phone":
                residents[index] = resident with { Phone = value };
                break;
        }

        return visit;
    }

    private static Kept? Read(SyncConflict conflict)
    {
        try
        {
            // A visit too long for the inbox is kept as "{}": described, not retried.
            return JsonSerializer.Deserialize<Kept>(conflict.Payload, CordonDb.AuditJson) is { Visit: not null } kept ? kept : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private string T(string key, params object?[] args) => catalog.Text(key, args);
}
