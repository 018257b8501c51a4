using System.Text.Json;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Offline;
using Cordon.Platform.People;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>How refused samples read in the conflict inbox, and how a supervisor registers one again (another tube).</summary>
public sealed class SamplingConflicts(CordonDb db, Caller caller, SampleWriter writer, Catalog catalog, LocalTime time, TimeProvider clock) : IConflictResolver
{
    public const string Feature = "sampling";

    /// <summary>Codes a new tube can put right; the others (sampled already, the same id twice) are dismissed with a note.</summary>
    private static readonly HashSet<string> Retryable = new(StringComparer.Ordinal)
    {
        "tube_sealed", "tube_full", "tube_other_round", "single_tube_required", "tube_is_pooled", "tube_code_invalid", "busy", "round_not_open",
    };

    string IConflictResolver.Feature => Feature;

    public static RefusedWrite Refused(SampleCommand command, SampleOutcome outcome, string zh, string en) => new(
        command.Id, command.RoundId, command.DeviceId, command.DeviceSequence,
        JsonSerializer.Serialize(command.WithoutNumber(), CordonDb.AuditJson),
        new ConflictSubject(outcome.SubjectId, outcome.SubjectId is null ? command.DocumentNumber : null),
        outcome.Error!, zh, en);

    public async Task<IReadOnlyDictionary<Guid, ConflictView>> DescribeAsync(IReadOnlyList<SyncConflict> conflicts, CancellationToken cancellationToken)
    {
        var views = new Dictionary<Guid, ConflictView>();
        if (!caller.Can(Permission.ManageTesting) || conflicts.Count == 0)
        {
            return views;
        }

        var roundIds = conflicts.Select(c => c.ScopeId).Distinct().ToList();
        var rounds = new Dictionary<Guid, TestingRound>();
        foreach (var round in await db.TestingRounds.AsNoTracking().Where(r => roundIds.Contains(r.Id)).ToListAsync(cancellationToken))
        {
            if (await RoundAccess.RunsAsync(db, caller, round, cancellationToken))
            {
                rounds[round.Id] = round;
            }
        }

        var residentIds = conflicts.Where(c => c.SubjectId is not null).Select(c => c.SubjectId!.Value).Distinct().ToList();
        var people = await db.Rows(db.Residents.AsNoTracking().Where(r => residentIds.Contains(r.Id)))
            .Select(r => new { r.Id, r.Name, r.Compound, r.Address }).ToDictionaryAsync(r => r.Id, cancellationToken);
        var english = Catalog.IsEnglish(System.Globalization.CultureInfo.CurrentUICulture);
        foreach (var conflict in conflicts)
        {
            if (!rounds.TryGetValue(conflict.ScopeId, out var round))
            {
                continue;
            }

            // A person outside the caller's jurisdiction reads as "someone"; an unknown number as its masked form.
            var command = Command(conflict);
            string subject;
            if (conflict.SubjectId is { } id)
            {
                subject = people.TryGetValue(id, out var p) ? $"{p.Name} · {p.Compound} {p.Address}" : T("conflicts.subject-elsewhere");
            }
            else
            {
                subject = conflict.SubjectMasked is { } masked ? T("conflicts.subject-number", masked) : T("conflicts.subject-code", command?.SamplingCode ?? "—");
            }

            var advice = catalog.Find("conflicts.advice." + conflict.Code, System.Globalization.CultureInfo.CurrentUICulture) ?? T("conflicts.advice.other");
            var retry = conflict.Status == ConflictStatus.Open && Retryable.Contains(conflict.Code) && (conflict.SubjectId is not null || command?.SamplingCode is { Length: > 0 });
            views[conflict.Id] = new ConflictView(
                subject,
                T("conflicts.where", round.Name, command?.TubeCode ?? "—", command?.TakenAt is { } at ? time.Format(at.ToUniversalTime()) : "—"),
                english ? conflict.MessageEn : conflict.Message,
                advice,
                retry,
                retry ? T("conflicts.new-tube") : null);
        }

        return views;
    }

    public async Task<(Guid? RecordId, string? Error, string Resolution)> RetryAsync(SyncConflict conflict, string? correction, CancellationToken cancellationToken)
    {
        if (Command(conflict) is not { } original)
        {
            return (null, catalog.Message(TestingErrors.ItemInvalid), "");
        }

        // The payload holds no ID number: the person is named again by their own sampling code.
        var code = original.SamplingCode;
        if (conflict.SubjectId is { } residentId)
        {
            code = await db.Residents.Where(r => r.Id == residentId).Select(r => r.SamplingCode).SingleOrDefaultAsync(cancellationToken) ?? code;
        }

        var tube = string.IsNullOrWhiteSpace(correction) ? original.TubeCode : correction.Trim();
        var retry = original with
        {
            Id = Guid.CreateVersion7(),
            SamplingCode = code,
            DocumentNumber = null,
            TubeCode = tube,
            DeviceId = null,
            DeviceSequence = null,
            TakenAt = original.TakenAt ?? clock.GetUtcNow().UtcDateTime,
        };
        if (retry.Malformed() is { } malformed)
        {
            return (null, catalog.Message(malformed.Error, malformed.Args), "");
        }

        if (writer.TryEnqueue(retry, Sampler.Of(caller)) is not { } done)
        {
            return (null, catalog.Message(TestingErrors.Busy), "");
        }

        var outcome = await done;
        return outcome.Error is { } error ? (null, catalog.Message(error, outcome.Args ?? []), "") : (retry.Id, null, $"→ {tube}");
    }

    private static SampleCommand? Command(SyncConflict conflict)
    {
        try
        {
            return JsonSerializer.Deserialize<SampleCommand>(conflict.Payload);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private string T(string key, params object?[] args) => catalog.Text(key, args);
}
