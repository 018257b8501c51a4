using System.Security.Cryptography;
using System.Text;
using Cordon.Features.Ledger;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>What a sampler's device sends for one sample. <see cref="Id"/> is made on the device.</summary>
public sealed record SampleCommand(
    Guid Id,
    Guid RoundId,
    string? SamplingCode,
    string? DocumentNumber,
    string? TubeCode,
    DateTime? TakenAt,
    bool Single = false,
    string? OutOfScopeReason = null,
    Guid? PointId = null,
    string? DeviceId = null,
    long? DeviceSequence = null)
{
    /// <summary>What makes two sends "the same write": everything the sampler decided, nothing the server adds.</summary>
    public string ContentHash()
    {
        var text = string.Join('|',
            RoundId.ToString("N"), SamplingCode?.Trim().ToUpperInvariant() ?? "", IdNumber.Normalize(DocumentNumber),
            TubeCode?.Trim().ToUpperInvariant() ?? "", TakenAt?.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "",
            Single ? "1" : "0", OutOfScopeReason?.Trim() ?? "");
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }
}

/// <summary>A registered sample as the device sees it.</summary>
public sealed record SampleView(
    Guid Id,
    Guid RoundId,
    Guid? ResidentId,
    Guid? VisitorId,
    string Name,
    string Address,
    string TubeCode,
    int Position,
    int Capacity,
    bool TubeSealed,
    DateTime TakenAt,
    DateTime RecordedAt);

/// <summary>201 created, 200 a retry of the same write, or a refusal with its code (and details).</summary>
public sealed record SampleOutcome(int Status, SampleView? Record, Error? Error = null, object?[]? Args = null, object? Details = null)
{
    public static SampleOutcome Refused(Error error, object? details = null, params object?[] args) => new(error.Status, null, error, args, details);
}

/// <summary>
/// Registers samples. Everything is checked against the database's current state inside one
/// transaction; the unique indexes on the client id, (round, person) and (tube, position) are the
/// final word, so two samplers racing for the last place in a tube cannot both get it.
/// </summary>
public sealed class SamplingRegistrar(CordonDb db, Caller caller, TimeProvider clock, Platform.Time.LocalTime time, TubeLocks locks)
{
    public const int MaxTubeCode = 32;

    public async Task<SampleOutcome> RegisterAsync(SampleCommand command, CancellationToken cancellationToken = default)
    {
        if (command.Id == Guid.Empty)
        {
            return SampleOutcome.Refused(TestingErrors.IdMissing);
        }

        var hash = command.ContentHash();

        // One registration per tube at a time on this node; across nodes the unique indexes decide.
        using var _ = await locks.EnterAsync(command.TubeCode?.Trim().ToUpperInvariant() ?? "", cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await TryRegisterAsync(command, hash, cancellationToken);
            }
            catch (Exception e) when ((DbErrors.IsUniqueViolation(e) || e is DbUpdateConcurrencyException) && attempt < 8)
            {
                // Someone else took the place, the tube or the person first: look again.
                db.ChangeTracker.Clear();
                await Task.Delay(Random.Shared.Next(1, 5 * (attempt + 1)), cancellationToken);
            }
        }
    }

    private async Task<SampleOutcome> TryRegisterAsync(SampleCommand command, string hash, CancellationToken cancellationToken)
    {
        var existing = await db.SampleRecords.AsNoTracking().SingleOrDefaultAsync(r => r.Id == command.Id, cancellationToken);
        if (existing is not null)
        {
            return existing.ContentHash == hash
                ? new SampleOutcome(StatusCodes.Status200OK, await ViewAsync(existing, cancellationToken))
                : SampleOutcome.Refused(TestingErrors.IdConflict);
        }

        var round = await db.TestingRounds.AsNoTracking().SingleOrDefaultAsync(r => r.Id == command.RoundId, cancellationToken);
        if (round is null)
        {
            return SampleOutcome.Refused(TestingErrors.RoundNotFound);
        }

        if (round.Status != RoundStatus.Open)
        {
            return SampleOutcome.Refused(TestingErrors.RoundNotOpen);
        }

        var tubeCode = command.TubeCode?.Trim().ToUpperInvariant() ?? "";
        if (tubeCode.Length is 0 or > MaxTubeCode || !tubeCode.All(char.IsAsciiLetterOrDigit))
        {
            return SampleOutcome.Refused(TestingErrors.TubeCodeInvalid);
        }

        // Microseconds: what PostgreSQL keeps, so a retry answers exactly the first answer.
        var now = Microseconds(clock.GetUtcNow().UtcDateTime);
        var takenAt = Microseconds(command.TakenAt?.ToUniversalTime() ?? now);
        if (takenAt > now.AddMinutes(10) || takenAt < round.StartsAt.AddDays(-1))
        {
            return SampleOutcome.Refused(TestingErrors.TakenAtInvalid);
        }

        var person = await FindPersonAsync(command, cancellationToken);
        if (person is null)
        {
            return SampleOutcome.Refused(string.IsNullOrWhiteSpace(command.SamplingCode) && string.IsNullOrWhiteSpace(command.DocumentNumber)
                ? TestingErrors.PersonMissing
                : TestingErrors.PersonNotFound);
        }

        var reason = command.OutOfScopeReason?.Trim();
        if (person.ResidentId is { } residentId && !await Roster.InScopeAsync(db, round, person, cancellationToken))
        {
            if (string.IsNullOrEmpty(reason))
            {
                return SampleOutcome.Refused(TestingErrors.OutsideScope, new { person.Address });
            }
        }
        else
        {
            reason = null;
        }

        var earlier = await db.SampleRecords.AsNoTracking()
            .Where(r => r.RoundId == round.Id && (person.ResidentId != null ? r.ResidentId == person.ResidentId : r.VisitorId == person.VisitorId))
            .Select(r => new { r.TakenAt, r.SamplerName, r.TubeCode, Point = db.SamplingPoints.Where(p => p.Id == r.PointId).Select(p => p.Name).FirstOrDefault() })
            .FirstOrDefaultAsync(cancellationToken);
        if (earlier is not null)
        {
            return SampleOutcome.Refused(TestingErrors.AlreadySampled,
                new { takenAt = earlier.TakenAt, sampler = earlier.SamplerName, point = earlier.Point, tubeCode = earlier.TubeCode },
                time.Format(earlier.TakenAt), earlier.Point ?? earlier.SamplerName);
        }

        var singleRequired = round.PoolSize == 1 || (person.ResidentId is { } rid && await Recalls.NeedsSingleTubeAsync(db, rid, cancellationToken));
        var tube = await db.Tubes.SingleOrDefaultAsync(t => t.Code == tubeCode, cancellationToken);
        if (tube is null)
        {
            // The physical tube in the sampler's hand decides: a new pooled tube is not quietly made single.
            if (singleRequired && round.PoolSize > 1 && !command.Single)
            {
                return SampleOutcome.Refused(TestingErrors.SingleTubeRequired);
            }

            var capacity = singleRequired || command.Single ? 1 : round.PoolSize;
            tube = new Tube
            {
                SubdistrictId = round.SubdistrictId,
                RoundId = round.Id,
                Code = tubeCode,
                Capacity = capacity,
                PointId = command.PointId,
                OpenedAt = now,
            };
            db.Tubes.Add(tube);
        }
        else
        {
            if (tube.RoundId != round.Id)
            {
                return SampleOutcome.Refused(TestingErrors.TubeOtherRound);
            }

            if (tube.SealedAt is not null)
            {
                return SampleOutcome.Refused(TestingErrors.TubeSealed, new { tube.Count, tube.Capacity });
            }

            if (tube.Count >= tube.Capacity)
            {
                return SampleOutcome.Refused(TestingErrors.TubeFull, new { tube.Count, tube.Capacity });
            }

            if (singleRequired && tube.Capacity > 1)
            {
                return SampleOutcome.Refused(TestingErrors.SingleTubeRequired);
            }

            if (command.Single && tube.Capacity > 1)
            {
                return SampleOutcome.Refused(TestingErrors.TubeIsPooled);
            }
        }

        if (singleRequired && tube.Capacity > 1)
        {
            return SampleOutcome.Refused(TestingErrors.SingleTubeRequired);
        }

        tube.Count++;
        if (tube.Count == tube.Capacity)
        {
            tube.SealedAt = now;
        }

        var record = new SampleRecord
        {
            Id = command.Id,
            SubdistrictId = round.SubdistrictId,
            RoundId = round.Id,
            TubeId = tube.Id,
            TubeCode = tube.Code,
            Position = tube.Count,
            ResidentId = person.ResidentId,
            VisitorId = person.VisitorId,
            CompoundId = person.CompoundId,
            BuildingId = person.BuildingId,
            OutOfScopeReason = reason is null ? null : reason[..Math.Min(reason.Length, 200)],
            TakenAt = takenAt,
            RecordedAt = now,
            SamplerId = caller.UserId ?? "",
            SamplerName = caller.UserName,
            PointId = command.PointId,
            DeviceId = command.DeviceId?[..Math.Min(command.DeviceId.Length, 64)],
            DeviceSequence = command.DeviceSequence,
            ContentHash = hash,
        };
        db.SampleRecords.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return new SampleOutcome(StatusCodes.Status201Created, View(record, person, tube));
    }

    private static DateTime Microseconds(DateTime value) => new(value.Ticks - (value.Ticks % 10), DateTimeKind.Utc);

    public async Task<(Tube? Tube, Error? Error)> SealAsync(string code, CancellationToken cancellationToken)
    {
        var tube = await db.Tubes.SingleOrDefaultAsync(t => t.Code == code.Trim().ToUpperInvariant(), cancellationToken);
        if (tube is null)
        {
            return (null, TestingErrors.TubeNotFound);
        }

        if (tube.SealedAt is null)
        {
            tube.SealedAt = clock.GetUtcNow().UtcDateTime;
            await db.SaveChangesAsync(cancellationToken);
        }

        return (tube, null);
    }

    private async Task<Person?> FindPersonAsync(SampleCommand command, CancellationToken cancellationToken)
    {
        var code = command.SamplingCode?.Trim().ToUpperInvariant();
        if (!string.IsNullOrEmpty(code))
        {
            if (code.StartsWith('V'))
            {
                return await db.Visitors.AsNoTracking().Where(v => v.SamplingCode == code)
                    .Select(v => new Person(null, v.Id, v.Name, null, null, null, v.CompoundId, null, ""))
                    .SingleOrDefaultAsync(cancellationToken);
            }

            return await People(db.Residents.IgnoreQueryFilters().Where(r => r.SubdistrictId == caller.SubdistrictId && r.SamplingCode == code))
                .SingleOrDefaultAsync(cancellationToken);
        }

        var number = IdNumber.Normalize(command.DocumentNumber);
        if (number.Length == 0)
        {
            return null;
        }

        return await People(db.Residents.IgnoreQueryFilters().Where(r => r.SubdistrictId == caller.SubdistrictId && r.DocumentNumber == number))
            .FirstOrDefaultAsync(cancellationToken);
    }

    // Samplers work across the sub-district: the lookup is by the tenant, the sampling code being the credential of the moment.
    private IQueryable<Person> People(IQueryable<Resident> residents) => residents
        .Where(r => r.Status != ResidenceStatus.MovedOut)
        .Join(db.Flats.IgnoreQueryFilters(), r => r.FlatId, f => f.Id, (r, f) => new { r, f })
        .Join(db.Buildings.IgnoreQueryFilters(), x => x.r.BuildingId, b => b.Id, (x, b) => new Person(
            x.r.Id, null, x.r.Name, x.r.NeighborhoodId, x.r.CompoundId, x.r.BuildingId, x.r.CompoundId, x.r.BuildingId,
            Address.Format(b.Number, x.f.Entrance, x.f.Room, b.Entrances)));

    private async Task<SampleView> ViewAsync(SampleRecord record, CancellationToken cancellationToken)
    {
        var tube = await db.Tubes.AsNoTracking().SingleAsync(t => t.Id == record.TubeId, cancellationToken);
        var person = record.ResidentId is { } residentId
            ? await People(db.Residents.IgnoreQueryFilters().Where(r => r.Id == residentId)).SingleOrDefaultAsync(cancellationToken)
            : await db.Visitors.AsNoTracking().Where(v => v.Id == record.VisitorId)
                .Select(v => new Person(null, v.Id, v.Name, null, null, null, v.CompoundId, null, "")).SingleOrDefaultAsync(cancellationToken);
        return View(record, person ?? new Person(record.ResidentId, record.VisitorId, "", null, null, null, null, null, ""), tube);
    }

    private SampleView View(SampleRecord record, Person person, Tube tube) => new(
        record.Id, record.RoundId, record.ResidentId, record.VisitorId,
        caller.Can(Permission.ViewResidents) ? person.Name : Names.Mask(person.Name), person.Address,
        tube.Code, record.Position, tube.Capacity, tube.SealedAt is not null, record.TakenAt, record.RecordedAt);
}

/// <summary>Who is being sampled: a resident (with place) or a visitor.</summary>
public sealed record Person(
    Guid? ResidentId,
    Guid? VisitorId,
    string Name,
    Guid? NeighborhoodId,
    Guid? ResidentCompoundId,
    Guid? ResidentBuildingId,
    Guid? CompoundId,
    Guid? BuildingId,
    string Address);

public static class Names
{
    /// <summary>张三丰 → 张**: enough to call someone forward, not enough to identify them.</summary>
    public static string Mask(string name) =>
        string.IsNullOrEmpty(name) ? name : name.Contains(' ', StringComparison.Ordinal) ? name.Split(' ')[0] + " *" : name[0] + new string('*', Math.Max(1, name.Length - 1));
}

/// <summary>Striped locks by tube code: registrations into one tube queue up instead of colliding.</summary>
public sealed class TubeLocks
{
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 1024).Select(_ => new SemaphoreSlim(1, 1))];

    public async Task<IDisposable> EnterAsync(string key, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_stripes.Length)];
        await stripe.WaitAsync(cancellationToken);
        return new Release(stripe);
    }

    private sealed class Release(SemaphoreSlim stripe) : IDisposable
    {
        public void Dispose() => stripe.Release();
    }
}
