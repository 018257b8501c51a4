using System.Security.Cryptography;
using System.Text;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Platform.Time;
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
    public const int MaxCode = 32;
    public const int MaxReason = 200;
    public const int MaxDevice = 64;

    /// <summary>
    /// A malformed write, refused alone before it reaches the shared writer: a field longer than any real one.
    /// (Missing or unknown values are the writer's refusals, with their own codes.)
    /// </summary>
    public (Error Error, object?[] Args)? Malformed() =>
        (SamplingCode?.Length ?? 0) > MaxCode ? (TestingErrors.FieldTooLong, ["samplingCode", MaxCode])
        : (DocumentNumber?.Length ?? 0) > MaxCode ? (TestingErrors.FieldTooLong, ["documentNumber", MaxCode])
        : (TubeCode?.Length ?? 0) > MaxCode ? (TestingErrors.FieldTooLong, ["tubeCode", MaxCode])
        : (OutOfScopeReason?.Length ?? 0) > MaxReason ? (TestingErrors.FieldTooLong, ["outOfScopeReason", MaxReason])
        : (DeviceId?.Length ?? 0) > MaxDevice ? (TestingErrors.FieldTooLong, ["deviceId", MaxDevice])
        : null;

    /// <summary>The write as the conflict inbox keeps it: without the typed ID number (docs/decisions/009).</summary>
    public SampleCommand WithoutNumber() => this with { DocumentNumber = null };

    /// <summary>What makes two sends "the same write": everything the sampler decided, nothing the server adds.</summary>
    public string ContentHash()
    {
        var text = string.Join('|',
            RoundId.ToString("N"), SamplingCode?.Trim().ToUpperInvariant() ?? "", IdNumber.Normalize(DocumentNumber),
            TubeCode?.Trim().ToUpperInvariant() ?? "", TakenAt is { } t ? Registrations.Microseconds(t.ToUniversalTime()).ToString("O", System.Globalization.CultureInfo.InvariantCulture) : "",
            Single ? "1" : "0", OutOfScopeReason?.Trim() ?? "");
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }
}

/// <summary>
/// Who registers: captured from the request, since the write happens later on the writer's thread. A sampler sees
/// a person's full name only when their role sees residents and the person lives in their jurisdiction.
/// </summary>
public sealed record Sampler(Guid SubdistrictId, string UserId, string UserName, bool SeesNames, bool WholeSubdistrict, IReadOnlyList<Guid> Neighborhoods, IReadOnlyList<Guid> Compounds)
{
    public static Sampler Of(Caller caller) => new(
        caller.SubdistrictId, caller.UserId ?? "", caller.UserName, caller.Can(Permission.ViewResidents), caller.WholeSubdistrict, caller.NeighborhoodIds, caller.CompoundIds);

    public bool SeesNameOf(Person person) => SeesNames && (WholeSubdistrict
        || (person.NeighborhoodId is { } n && Neighborhoods.Contains(n))
        || (person.CompoundId is { } c && Compounds.Contains(c)));
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
    /// <summary>The resident a refused sample was about, when the sampler's input named someone on the round's list.</summary>
    public Guid? SubjectId { get; init; }

    public static SampleOutcome Refused(Error error, object? details = null, params object?[] args) => new(error.Status, null, error, args, details);
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

public static class Registrations
{
    /// <summary>Microseconds: what PostgreSQL keeps, so a retry answers exactly the first answer.</summary>
    public static DateTime Microseconds(DateTime value) => new(value.Ticks - (value.Ticks % 10), DateTimeKind.Utc);
}

/// <summary>
/// Registers a batch of samples of one sub-district in one transaction. Every rule is checked against
/// what the database holds (through <see cref="SamplingCache"/>) plus the batch so far; nothing is
/// asked of the database per sample. The unique indexes on the client id, (round, person), (tube,
/// position) and the tube code stay the final word: if another node got there first, the batch is
/// rolled back, the cache dropped, and the caller registers the samples one by one.
/// </summary>
public sealed class SamplingRegistrar(CordonDb db, SamplingCache cache, TimeProvider clock, LocalTime time, ILogger<SamplingRegistrar> logger)
{
    public const int MaxTubeCode = 32;

    public sealed record Item(SampleCommand Command, Sampler Sampler);

    /// <summary>Fills the cache for the sub-district's open rounds (people, scopes, samples so far, single tubes).</summary>
    public async Task WarmAsync(CancellationToken cancellationToken)
    {
        var rounds = await db.TestingRounds.AsNoTracking().Where(r => r.Status == RoundStatus.Open).ToListAsync(cancellationToken);
        var tenant = cache.For(db.Caller.SubdistrictId);
        await tenant.FillAsync(db, rounds, [], cancellationToken);
    }

    /// <summary>
    /// The outcome of every item, in order; null when the database refused the batch as a whole (a race).
    /// All items belong to one sub-district, the one the context's caller acts for.
    /// </summary>
    public async Task<SampleOutcome[]?> RegisterAsync(IReadOnlyList<Item> items, CancellationToken cancellationToken)
    {
        try
        {
            return await RegisterOrThrowAsync(items, cancellationToken);
        }
        catch
        {
            // The cache already holds this batch's samples and tubes: whatever failed, it must not keep them.
            cache.Invalidate(items[0].Sampler.SubdistrictId);
            throw;
        }
    }

    private async Task<SampleOutcome[]?> RegisterOrThrowAsync(IReadOnlyList<Item> items, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var now = Registrations.Microseconds(clock.GetUtcNow().UtcDateTime);
        var outcomes = new SampleOutcome[items.Count];
        var tenant = cache.For(items[0].Sampler.SubdistrictId);
        var ids = items.Select(i => i.Command.Id).Distinct().ToList();
        var roundIds = items.Select(i => i.Command.RoundId).Distinct().ToList();
        // By primary key alone: with the tenant filter in the same WHERE, SQLite walks the sub-district's
        // index (every record of the day) instead of looking the ids up. The tenant is checked below.
        var existing = await db.SampleRecords.IgnoreQueryFilters().AsNoTracking().Where(r => EF.Parameter(ids).Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken);
        var rounds = await db.TestingRounds.AsNoTracking().Where(r => roundIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken);
        await tenant.FillAsync(db, rounds.Values, [.. items.Select(i => i.Command)], cancellationToken);
        var loaded = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;

        var added = new Dictionary<Guid, (string Hash, int Index)>();
        var records = new List<SampleRecord>();
        var newTubes = new List<Tube>();
        var filled = new List<Guid>();
        var views = new Dictionary<Guid, SampleView>();

        for (var i = 0; i < items.Count; i++)
        {
            var (command, sampler) = items[i];
            var hash = command.ContentHash();
            if (command.Id == Guid.Empty)
            {
                outcomes[i] = SampleOutcome.Refused(TestingErrors.IdMissing);
                continue;
            }

            if (existing.TryGetValue(command.Id, out var stored))
            {
                // Another sub-district's record under the same id is a conflict, and says nothing about it.
                outcomes[i] = stored.ContentHash == hash && stored.SubdistrictId == sampler.SubdistrictId
                    ? new SampleOutcome(StatusCodes.Status200OK, await ViewAsync(stored, sampler, cancellationToken))
                    : SampleOutcome.Refused(TestingErrors.IdConflict);
                continue;
            }

            if (added.TryGetValue(command.Id, out var twin))
            {
                // The same id twice in one batch: the second is a retry of the first (answered after commit).
                outcomes[i] = twin.Hash == hash ? new SampleOutcome(StatusCodes.Status200OK, null) : SampleOutcome.Refused(TestingErrors.IdConflict);
                continue;
            }

            var refusal = Check(command, sampler, tenant, rounds, now, out var round, out var person, out var tube, out var reason);
            if (refusal is not null)
            {
                outcomes[i] = refusal with { SubjectId = person?.ResidentId };
                continue;
            }

            if (tube is null)
            {
                var entity = new Tube
                {
                    SubdistrictId = round!.SubdistrictId,
                    RoundId = round.Id,
                    Code = SamplingCache.Code(command.TubeCode),
                    Capacity = command.Single || NeedsSingle(tenant, person!, round) ? 1 : round.PoolSize,
                    PointId = command.PointId,
                    OpenedAt = now,
                };
                newTubes.Add(entity);
                tube = new SamplingCache.TubeState { Id = entity.Id, RoundId = round.Id, Code = entity.Code, Capacity = entity.Capacity };
                tenant.Tubes[tube.Code] = tube;
                tenant.AbsentTubes.Remove(tube.Code);
            }

            tube.Count++;
            if (tube.Count == tube.Capacity)
            {
                tube.Sealed = true;
                filled.Add(tube.Id);
            }

            var record = new SampleRecord
            {
                Id = command.Id,
                SubdistrictId = round!.SubdistrictId,
                RoundId = round.Id,
                TubeId = tube.Id,
                TubeCode = tube.Code,
                Position = tube.Count,
                ResidentId = person!.ResidentId,
                VisitorId = person.VisitorId,
                CompoundId = person.CompoundId,
                BuildingId = person.BuildingId,
                OutOfScopeReason = reason,
                TakenAt = Registrations.Microseconds(command.TakenAt?.ToUniversalTime() ?? now),
                RecordedAt = now,
                SamplerId = sampler.UserId,
                SamplerName = sampler.UserName,
                PointId = command.PointId,
                DeviceId = command.DeviceId?[..Math.Min(command.DeviceId.Length, 64)],
                DeviceSequence = command.DeviceSequence,
                ContentHash = hash,
            };
            records.Add(record);
            tenant.Sampled[round.Id][person.ResidentId ?? person.VisitorId!.Value] = new SamplingCache.Earlier(record.TakenAt, sampler.UserName, tube.Code, command.PointId);
            added[command.Id] = (hash, i);
            views[command.Id] = View(record, person, tube.Capacity, tube.Sealed && tube.Count == record.Position, sampler);
            outcomes[i] = new SampleOutcome(StatusCodes.Status201Created, views[command.Id]);
        }

        var checkedAt = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (records.Count > 0 && !await WriteAsync(records, newTubes, filled, now, cancellationToken))
        {
            cache.Invalidate(tenant.Id);
            return null;
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (outcomes[i] is { Status: StatusCodes.Status200OK, Record: null } && views.TryGetValue(items[i].Command.Id, out var first))
            {
                outcomes[i] = new SampleOutcome(StatusCodes.Status200OK, first);
            }
        }

        logger.LogDebug("Batch of {Count}: reads {Load:F1} ms, checks {Check:F1} ms, write {Write:F1} ms",
            items.Count, loaded, checkedAt - loaded, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds - checkedAt);
        return outcomes;
    }

    /// <summary>One transaction: new tubes and records in bulk, then each touched tube's count and seal.</summary>
    private async Task<bool> WriteAsync(List<SampleRecord> records, List<Tube> newTubes, List<Guid> filled, DateTime now, CancellationToken cancellationToken)
    {
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.BulkInsertAsync(newTubes, cancellationToken);
            await db.BulkInsertAsync(records, cancellationToken);
            // A tube's live count is its records (the unique (tube, position) index keeps it honest);
            // the tube row changes only when it fills and is sealed.
            if (filled.Count > 0)
            {
                // Tubes of this batch (ids from the cache of this sub-district), by primary key.
                await db.Tubes.IgnoreQueryFilters().Where(t => EF.Parameter(filled).Contains(t.Id) && t.SealedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.SealedAt, now).SetProperty(t => t.Count, t => t.Capacity), cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    public async Task<(Tube? Tube, Error? Error)> SealAsync(string code, CancellationToken cancellationToken)
    {
        var normalized = SamplingCache.Code(code);
        var now = clock.GetUtcNow().UtcDateTime;

        // One statement, so a registration racing for the same tube either lands before the seal or is refused after it.
        await db.Tubes.Where(t => t.Code == normalized && t.SealedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.SealedAt, now).SetProperty(t => t.Count, t => db.Set<SampleRecord>().Count(r => r.TubeId == t.Id)), cancellationToken);
        var tube = await db.Tubes.AsNoTracking().SingleOrDefaultAsync(t => t.Code == normalized, cancellationToken);
        if (tube is null)
        {
            return (null, TestingErrors.TubeNotFound);
        }

        cache.Invalidate(tube.SubdistrictId);
        return (tube, null);
    }

    private SampleOutcome? Check(
        SampleCommand command, Sampler sampler, SamplingCache.Tenant tenant, Dictionary<Guid, TestingRound> rounds, DateTime now,
        out TestingRound? round, out Person? person, out SamplingCache.TubeState? tube, out string? reason)
    {
        person = null;
        tube = null;
        reason = null;
        if (!rounds.TryGetValue(command.RoundId, out round) || round.SubdistrictId != sampler.SubdistrictId)
        {
            return SampleOutcome.Refused(TestingErrors.RoundNotFound);
        }

        if (round.Status != RoundStatus.Open)
        {
            return SampleOutcome.Refused(TestingErrors.RoundNotOpen);
        }

        var tubeCode = SamplingCache.Code(command.TubeCode);
        if (tubeCode.Length is 0 or > MaxTubeCode || !tubeCode.All(char.IsAsciiLetterOrDigit) || !round.IsTubeCode(tubeCode))
        {
            return SampleOutcome.Refused(TestingErrors.TubeCodeInvalid, new { round.TubePrefix, round.TubeLength });
        }

        var takenAt = command.TakenAt?.ToUniversalTime() ?? now;
        if (takenAt > now.AddMinutes(10) || takenAt < round.StartsAt.AddDays(-1))
        {
            return SampleOutcome.Refused(TestingErrors.TakenAtInvalid);
        }

        var code = SamplingCache.Code(command.SamplingCode);
        var number = IdNumber.Normalize(command.DocumentNumber);
        person = code.Length > 0 ? tenant.ByCode.GetValueOrDefault(code) : number.Length > 0 ? tenant.ByDocument.GetValueOrDefault(number) : null;
        if (code.Length == 0 && number.Length == 0)
        {
            return SampleOutcome.Refused(TestingErrors.PersonMissing);
        }

        // An ID number is guessable: typed, it answers only "on this round's list" or not, the same for someone
        // who lives elsewhere and someone who does not exist (docs/decisions/009). A sampling code is a random
        // slip the person carries, so it may say more.
        if (code.Length == 0 && (person is null || !InScope(tenant, round, person)))
        {
            person = null;
            return SampleOutcome.Refused(TestingErrors.PersonNotInRound);
        }

        if (person is null)
        {
            return SampleOutcome.Refused(TestingErrors.PersonNotFound);
        }

        if (!InScope(tenant, round, person))
        {
            reason = Text.Clean(command.OutOfScopeReason);
            if (reason.Length == 0)
            {
                return SampleOutcome.Refused(TestingErrors.OutsideScope);
            }

            reason = reason[..Math.Min(reason.Length, SampleCommand.MaxReason)];
        }

        if (tenant.Sampled[round.Id].TryGetValue(person.ResidentId ?? person.VisitorId!.Value, out var earlier))
        {
            var point = earlier.PointId is { } p && tenant.PointNames.TryGetValue(p, out var name) ? name : null;
            return SampleOutcome.Refused(TestingErrors.AlreadySampled,
                new { takenAt = earlier.TakenAt, sampler = earlier.SamplerName, point, tubeCode = earlier.TubeCode },
                time.Format(earlier.TakenAt), point ?? earlier.SamplerName);
        }

        var singleRequired = NeedsSingle(tenant, person, round);
        if (tenant.Tubes.TryGetValue(tubeCode, out tube))
        {
            if (tube.RoundId != round.Id)
            {
                return SampleOutcome.Refused(TestingErrors.TubeOtherRound);
            }

            if (tube.Sealed)
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
        else if (singleRequired && round.PoolSize > 1 && !command.Single)
        {
            // The physical tube in the sampler's hand decides: a new pooled tube is not quietly made single.
            return SampleOutcome.Refused(TestingErrors.SingleTubeRequired);
        }

        return null;
    }

    private static bool InScope(SamplingCache.Tenant tenant, TestingRound round, Person person)
    {
        if (person.ResidentId is not { } resident)
        {
            return true;
        }

        if (round.RecallOf is not null)
        {
            return tenant.RecallMembers.TryGetValue(round.Id, out var members) && members.Contains(resident);
        }

        var scope = tenant.Scopes[round.Id];
        return (person.NeighborhoodId is { } n && scope.Neighborhoods.Contains(n))
            || (person.ResidentCompoundId is { } c && scope.Compounds.Contains(c))
            || (person.ResidentBuildingId is { } b && scope.Buildings.Contains(b));
    }

    private static bool NeedsSingle(SamplingCache.Tenant tenant, Person person, TestingRound round) =>
        round.PoolSize == 1 || (person.ResidentId is { } id && tenant.SingleRequired.Contains(id));

    private async Task<SampleView> ViewAsync(SampleRecord record, Sampler sampler, CancellationToken cancellationToken)
    {
        var tube = await db.Tubes.AsNoTracking().SingleAsync(t => t.Id == record.TubeId, cancellationToken);
        var person = record.ResidentId is { } residentId
            ? (await Facts.Rows(db, db.Residents.IgnoreQueryFilters().Where(r => r.Id == residentId)).SingleOrDefaultAsync(cancellationToken))?.ToPerson()
            : await db.Visitors.AsNoTracking().Where(v => v.Id == record.VisitorId)
                .Select(v => new Person(null, v.Id, v.Name, null, null, null, v.CompoundId, null, "")).SingleOrDefaultAsync(cancellationToken);
        return View(record, person ?? new Person(record.ResidentId, record.VisitorId, "", null, null, null, null, null, ""), tube.Capacity, tube.SealedAt is not null, sampler);
    }

    /// <summary>The masked name (the full one within the sampler's jurisdiction); the flat only of people on the round's list.</summary>
    private static SampleView View(SampleRecord record, Person person, int capacity, bool sealedTube, Sampler sampler) => new(
        record.Id, record.RoundId, record.ResidentId, record.VisitorId,
        sampler.SeesNameOf(person) ? person.Name : Names.Mask(person.Name), record.OutOfScopeReason is null ? person.Address : "",
        record.TubeCode, record.Position, capacity, sealedTube, record.TakenAt, record.RecordedAt);

    internal static class Facts
    {
        // Samplers work across their sub-district; the sub-district itself is checked against the round.
        public static IQueryable<PersonRow> Rows(CordonDb db, IQueryable<Resident> residents) => residents
            .Where(r => r.Status != ResidenceStatus.MovedOut)
            .Join(db.Flats.IgnoreQueryFilters(), r => r.FlatId, f => f.Id, (r, f) => new { r, f })
            .Join(db.Buildings.IgnoreQueryFilters(), x => x.r.BuildingId, b => b.Id, (x, b) => new PersonRow
            {
                Id = x.r.Id,
                Name = x.r.Name,
                NeighborhoodId = x.r.NeighborhoodId,
                CompoundId = x.r.CompoundId,
                BuildingId = x.r.BuildingId,
                SamplingCode = x.r.SamplingCode,
                DocumentNumber = x.r.DocumentNumber,
                Building = b.Number,
                Entrance = x.f.Entrance,
                Room = x.f.Room,
                Entrances = b.Entrances,
            });
    }

    /// <summary>A resident with their address, as the registration needs them.</summary>
    internal sealed class PersonRow
    {
        public Guid Id { get; init; }

        public string Name { get; init; } = "";

        public Guid NeighborhoodId { get; init; }

        public Guid CompoundId { get; init; }

        public Guid BuildingId { get; init; }

        public string SamplingCode { get; init; } = "";

        public string? DocumentNumber { get; init; }

        public string Building { get; init; } = "";

        public int Entrance { get; init; }

        public string Room { get; init; } = "";

        public int Entrances { get; init; }

        public Person ToPerson() => new(Id, null, Name, NeighborhoodId, CompoundId, BuildingId, CompoundId, BuildingId, Address.Format(Building, Entrance, Room, Entrances));
    }
}
