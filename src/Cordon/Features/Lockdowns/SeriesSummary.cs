using Cordon.Features.Testing;
using Cordon.Platform.Data;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Lockdowns;

/// <summary>The lockdown's testing series as its page shows it: a round to link to, and who has had both tests.</summary>
public sealed record SeriesSummary(Guid RoundId, int Done, int Once, int None, DateTime Deadline)
{
    // The one place the lockdown pages read the testing feature (like LockdownDesk's Roster call, it wants a
    // Platform seam so the kernel rule of decision 008 holds; kept in this file so that move is one file).
    public static async Task<SeriesSummary?> ForAsync(CordonDb db, Guid seriesId, CancellationToken cancellationToken)
    {
        var round = await db.TestingRounds.AsNoTracking().Where(r => r.SeriesId == seriesId).OrderBy(r => r.StartsAt).Select(r => (Guid?)r.Id).FirstOrDefaultAsync(cancellationToken);
        var status = round is null ? null : await Series.StatusAsync(db, seriesId, cancellationToken);
        return status is null ? null : new SeriesSummary(round!.Value, status.Done, status.Once, status.None, status.Deadline);
    }
}
