using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Platform.Offline;

/// <summary>Who a refused write was about: their record when the server knew them, else the number typed.</summary>
public sealed record ConflictSubject(Guid? Id, string? Number)
{
    public static readonly ConflictSubject None = new(null, null);
}

/// <summary>One refused write to keep for a person.</summary>
public sealed record RefusedWrite(Guid ClientId, Guid ScopeId, string? DeviceId, long? DeviceSequence, string Payload, ConflictSubject Subject, Error Error, string Zh, string En);

/// <summary>
/// The supervisors' inbox of refused offline writes, shared by every feature that works offline
/// (docs/decisions/010). Bounded: a device may keep at most <see cref="MaxOpenPerDevice"/> open conflicts in one
/// scope; beyond that the device is told so and keeps the write itself (shown in red there).
/// </summary>
public sealed class ConflictInbox(CordonDb db, Caller caller, Pseudonyms pseudonyms, TimeProvider clock)
{
    public const int MaxOpenPerDevice = 200;

    public static readonly Error InboxFull = new("conflict_inbox_full", StatusCodes.Status429TooManyRequests);

    /// <summary>Stores the refusals (once per client id); returns the client ids that did not fit.</summary>
    public async Task<IReadOnlySet<Guid>> RecordAsync(string feature, IReadOnlyList<RefusedWrite> writes, CancellationToken cancellationToken)
    {
        var overflow = new HashSet<Guid>();
        var ids = writes.Select(w => w.ClientId).Where(id => id != Guid.Empty).Distinct().ToList();
        if (ids.Count == 0)
        {
            return overflow;
        }

        var known = (await db.Set<SyncConflict>().AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken)).ToHashSet();
        var open = new Dictionary<(Guid Scope, string? Device), int>();
        var now = clock.GetUtcNow().UtcDateTime;
        var added = new List<SyncConflict>();
        foreach (var write in writes)
        {
            if (write.ClientId == Guid.Empty || !known.Add(write.ClientId))
            {
                continue;
            }

            var key = (write.ScopeId, write.DeviceId);
            if (!open.TryGetValue(key, out var count))
            {
                count = await db.Set<SyncConflict>().CountAsync(
                    c => c.ScopeId == write.ScopeId && c.DeviceId == write.DeviceId && c.Status == ConflictStatus.Open, cancellationToken);
            }

            if (count >= MaxOpenPerDevice)
            {
                overflow.Add(write.ClientId);
                continue;
            }

            open[key] = count + 1;
            var number = write.Subject.Id is null && !string.IsNullOrWhiteSpace(write.Subject.Number) ? write.Subject.Number : null;
            added.Add(new SyncConflict
            {
                Id = write.ClientId,
                SubdistrictId = caller.SubdistrictId,
                Feature = feature,
                ScopeId = write.ScopeId,
                DeviceId = write.DeviceId,
                DeviceSequence = write.DeviceSequence,
                UserName = caller.UserName,
                Payload = write.Payload.Length <= 2000 ? write.Payload : "{}",
                SubjectId = write.Subject.Id,
                SubjectHash = number is null ? null : pseudonyms.Of(number),
                SubjectMasked = number is null ? null : Mask.IdNumber(number.Trim().ToUpperInvariant()),
                Code = write.Error.Code,
                Message = write.Zh.Length > 300 ? write.Zh[..300] : write.Zh,
                MessageEn = write.En.Length > 300 ? write.En[..300] : write.En,
                CreatedAt = now,
            });
        }

        if (added.Count == 0)
        {
            return overflow;
        }

        db.Set<SyncConflict>().AddRange(added);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            // The same refused write arrived twice at once from two tabs: keep the ones not stored yet, one by one.
            db.ChangeTracker.Clear();
            foreach (var conflict in added)
            {
                db.Set<SyncConflict>().Add(conflict);
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (Exception again) when (DbErrors.IsUniqueViolation(again))
                {
                }

                db.ChangeTracker.Clear();
            }
        }

        return overflow;
    }
}

/// <summary>What a person reads about one conflict, in their language, masked as they may see.</summary>
public sealed record ConflictView(string Subject, string Where, string What, string Advice, bool CanRetry, string? RetryLabel);

/// <summary>A feature that works offline says how its refused writes read and how they are put right.</summary>
public interface IConflictResolver
{
    string Feature { get; }

    /// <summary>The conflicts the caller may handle (their jurisdiction), each described.</summary>
    Task<IReadOnlyDictionary<Guid, ConflictView>> DescribeAsync(IReadOnlyList<SyncConflict> conflicts, CancellationToken cancellationToken);

    /// <summary>Writes it again with the person's correction; the error in their language when it is refused again.</summary>
    Task<(Guid? RecordId, string? Error, string Resolution)> RetryAsync(SyncConflict conflict, string? correction, CancellationToken cancellationToken);
}
