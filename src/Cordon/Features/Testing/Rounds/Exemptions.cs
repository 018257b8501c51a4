using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>
/// One way to leave a resident out of a round's "missing" on purpose, for the API and the flat page alike: a
/// resident of the round, a kind, and for "other" a reason in words. Adds to the context; the caller saves.
/// </summary>
public static class Exemptions
{
    public static async Task<Error?> SetAsync(
        CordonDb db, Caller caller, TestingRound round, Guid residentId, ExemptionKind? kind, string? note, DateTime now, CancellationToken cancellationToken)
    {
        var (text, words) = Reasons.Check(note, 200);
        if (kind is null || (kind == ExemptionKind.Other && !words) || text.Length > 200 || (text.Length > 0 && text.Any(Text.IsInvisible)))
        {
            return TestingErrors.ExemptionReasonMissing;
        }

        var scope = await Roster.ScopeAsync(db, round, cancellationToken);
        if (!await Roster.Expected(db, scope).AnyAsync(r => r.Id == residentId, cancellationToken))
        {
            return TestingErrors.ResidentNotInRound;
        }

        var existing = await db.Exemptions.SingleOrDefaultAsync(e => e.RoundId == round.Id && e.ResidentId == residentId, cancellationToken);
        if (existing is null)
        {
            db.Exemptions.Add(new Exemption
            {
                SubdistrictId = round.SubdistrictId,
                RoundId = round.Id,
                ResidentId = residentId,
                Kind = kind.Value,
                Note = text,
                CreatedAt = now,
                CreatedBy = caller.UserName,
            });
        }
        else
        {
            existing.Kind = kind.Value;
            existing.Note = text;
        }

        return null;
    }

    /// <summary>False when there is no such exemption of a resident the caller can see.</summary>
    public static async Task<bool> RemoveAsync(CordonDb db, Guid roundId, Guid residentId, CancellationToken cancellationToken)
    {
        var existing = await db.Exemptions.SingleOrDefaultAsync(e => e.RoundId == roundId && e.ResidentId == residentId, cancellationToken);
        if (existing is null || !await db.Residents.AnyAsync(r => r.Id == residentId, cancellationToken))
        {
            return false;
        }

        db.Exemptions.Remove(existing);
        return true;
    }
}
