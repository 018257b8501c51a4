using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>What a volunteer sends for one door: the id is made on the phone, so a retry is stored once.</summary>
public sealed record KnockCommand(Guid Id, Guid ResidentId, KnockOutcome? Outcome, string? Note, DateTime? KnockedAt);

/// <summary>The latest knock at a person's door in a round, as lists and the dashboard show it.</summary>
public sealed record KnockView(Guid Id, Guid ResidentId, Guid CompoundId, KnockOutcome Outcome, string Note, DateTime KnockedAt, string UserName);

/// <summary>
/// 敲门: a volunteer records what they found at the door of someone the round still misses. Only people of the round
/// in the caller's jurisdiction; "moved out" is a finding for the committee, it does not change the ledger.
/// </summary>
public static class Knocks
{
    public static async Task<(KnockView? Knock, bool Created, Error? Error)> RecordAsync(
        CordonDb db, Caller caller, TestingRound round, KnockCommand command, DateTime now, CancellationToken cancellationToken)
    {
        if (command.Id == Guid.Empty)
        {
            return (null, false, TestingErrors.IdMissing);
        }

        if (await db.DoorKnocks.AsNoTracking().SingleOrDefaultAsync(k => k.Id == command.Id, cancellationToken) is { } earlier)
        {
            // A retry of the same knock answers the first; the same id for another door or finding is a conflict.
            return earlier.ResidentId == command.ResidentId && earlier.Outcome == command.Outcome && earlier.RoundId == round.Id
                ? (View(earlier), false, null)
                : (null, false, TestingErrors.IdConflict);
        }

        if (command.Outcome is not { } outcome || !Enum.IsDefined(outcome))
        {
            return (null, false, TestingErrors.KnockOutcomeMissing);
        }

        var note = Text.Clean(command.Note);
        if (note.Length > 200 || note.Any(c => char.IsControl(c) || Text.IsInvisible(c)))
        {
            return (null, false, TestingErrors.KnockNoteInvalid);
        }

        var knockedAt = command.KnockedAt?.ToUniversalTime() ?? now;
        if (knockedAt > now.AddMinutes(10) || knockedAt < now.AddDays(-3))
        {
            return (null, false, TestingErrors.TakenAtInvalid);
        }

        var scope = await Roster.ScopeAsync(db, round, cancellationToken);
        var resident = await Roster.Expected(db, scope).Where(r => r.Id == command.ResidentId)
            .Select(r => new { r.Id, r.SubdistrictId, r.NeighborhoodId, r.CompoundId, r.FlatId }).SingleOrDefaultAsync(cancellationToken);
        if (resident is null)
        {
            return (null, false, TestingErrors.ResidentNotInRound);
        }

        var knock = new DoorKnock
        {
            Id = command.Id,
            SubdistrictId = resident.SubdistrictId,
            NeighborhoodId = resident.NeighborhoodId,
            CompoundId = resident.CompoundId,
            RoundId = round.Id,
            ResidentId = resident.Id,
            FlatId = resident.FlatId,
            Outcome = outcome,
            Note = note,
            KnockedAt = knockedAt,
            RecordedAt = now,
            UserId = caller.UserId ?? "",
            UserName = caller.UserName,
        };
        db.DoorKnocks.Add(knock);
        return (View(knock), true, null);
    }

    /// <summary>The latest knock per person of the round (within the caller's jurisdiction: the query filter).</summary>
    public static async Task<Dictionary<Guid, KnockView>> LatestAsync(CordonDb db, Guid roundId, IReadOnlyCollection<Guid>? residents, CancellationToken cancellationToken)
    {
        var knocks = db.DoorKnocks.AsNoTracking().Where(k => k.RoundId == roundId);
        if (residents is not null)
        {
            knocks = knocks.Where(k => residents.Contains(k.ResidentId));
        }

        return (await knocks.ToListAsync(cancellationToken))
            .GroupBy(k => k.ResidentId)
            .ToDictionary(g => g.Key, g => View(g.OrderByDescending(k => k.KnockedAt).ThenByDescending(k => k.Id).First()));
    }

    private static KnockView View(DoorKnock k) => new(k.Id, k.ResidentId, k.CompoundId, k.Outcome, k.Note, k.KnockedAt, k.UserName);
}
