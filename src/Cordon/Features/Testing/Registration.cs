using System.Security.Cryptography;
using System.Text;
using Cordon.Features.Ledger;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
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

/// <summary>Who registers: captured from the request, since the write happens later on the writer's thread.</summary>
public sealed record Sampler(Guid SubdistrictId, string UserId, string UserName, bool SeesNames)
{
    public static Sampler Of(Caller caller) => new(caller.SubdistrictId, caller.UserId ?? "", caller.UserName, caller.Can(Permission.ViewResidents));
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
/// Registers a batch of samples of one sub-district in one transaction: every rule is checked
/// against the database as it is plus the batch so far, with one query per kind of fact (never one
/// per sample). The unique indexes on the client id, (round, person) and (tube, position) stay the
/// final word: if another node got there first, the caller retries the samples one by one.
/// </summary>
public sealed class SamplingRegistrar(CordonDb db, TimeProvider clock, LocalTime time)
{
    public const int MaxTubeCode = 32;

    public sealed record Item(SampleCommand Command, Sampler Sampler);

    /// <summary>
    /// The outcome of every item, in order; null when the database refused the batch as a whole (a race).
    /// All items belong to one sub-district, the one the context's caller acts for.
    /// </summary>
    public async Task<SampleOutcome[]?> RegisterAsync(IReadOnlyList<Item> items, CancellationToken cancellationToken)
    {
        var now = Registrations.Microseconds(clock.GetUtcNow().UtcDateTime);
        var outcomes = new SampleOutcome[items.Count];
        var facts = await Facts.LoadAsync(db, items, cancellationToken);
        var added = new Dictionary<Guid, (string Hash, SampleOutcome Outcome)>();
        var pending = new List<(int Index, SampleRecord Record, Person Person, Tube Tube, Sampler Sampler)>();

        for (var i = 0; i < items.Count; i++)
        {
            var (command, sampler) = items[i];
            var hash = command.ContentHash();
            if (command.Id == Guid.Empty)
            {
                outcomes[i] = SampleOutcome.Refused(TestingErrors.IdMissing);
                continue;
            }

            if (facts.Existing.TryGetValue(command.Id, out var existing))
            {
                outcomes[i] = existing.ContentHash == hash
                    ? new SampleOutcome(StatusCodes.Status200OK, await ViewAsync(existing, sampler, cancellationToken))
                    : SampleOutcome.Refused(TestingErrors.IdConflict);
                continue;
            }

            if (added.TryGetValue(command.Id, out var twin))
            {
                // The same id twice in one batch: the second is a retry of the first.
                outcomes[i] = twin.Hash == hash ? twin.Outcome with { Status = StatusCodes.Status200OK } : SampleOutcome.Refused(TestingErrors.IdConflict);
                continue;
            }

            var refusal = Check(command, sampler, facts, now, out var round, out var person, out var tube, out var reason);
            if (refusal is not null)
            {
                outcomes[i] = refusal;
                continue;
            }

            if (tube is null)
            {
                tube = new Tube
                {
                    SubdistrictId = round!.SubdistrictId,
                    RoundId = round.Id,
                    Code = Code(command.TubeCode),
                    Capacity = command.Single || facts.NeedsSingle(person!, round) ? 1 : round.PoolSize,
                    PointId = command.PointId,
                    OpenedAt = now,
                };
                db.Tubes.Add(tube);
                facts.Tubes[tube.Code] = tube;
            }

            tube.Count++;
            if (tube.Count == tube.Capacity)
            {
                tube.SealedAt = now;
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
            db.SampleRecords.Add(record);
            facts.Sampled[(round.Id, person.ResidentId ?? person.VisitorId!.Value)] = new Facts.Earlier(record.TakenAt, sampler.UserName, tube.Code, command.PointId);
            pending.Add((i, record, person, tube, sampler));
            added[command.Id] = (hash, new SampleOutcome(StatusCodes.Status201Created, null));
        }

        if (pending.Count > 0)
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (Exception e) when (DbErrors.IsUniqueViolation(e) || e is DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                return null;
            }
        }

        foreach (var (index, record, person, tube, sampler) in pending)
        {
            outcomes[index] = new SampleOutcome(StatusCodes.Status201Created, View(record, person, tube, sampler));
        }

        for (var i = 0; i < items.Count; i++)
        {
            // Same id twice in the batch: answer the retry with the record the first one made.
            if (outcomes[i] is { Status: StatusCodes.Status200OK, Record: null } retry && pending.FirstOrDefault(p => p.Record.Id == items[i].Command.Id) is { Record: not null } first)
            {
                outcomes[i] = retry with { Record = View(first.Record, first.Person, first.Tube, first.Sampler) };
            }
        }

        db.ChangeTracker.Clear();
        return outcomes;
    }

    public async Task<(Tube? Tube, Error? Error)> SealAsync(string code, CancellationToken cancellationToken)
    {
        var tube = await db.Tubes.SingleOrDefaultAsync(t => t.Code == Code(code), cancellationToken);
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

    private SampleOutcome? Check(
        SampleCommand command, Sampler sampler, Facts facts, DateTime now,
        out TestingRound? round, out Person? person, out Tube? tube, out string? reason)
    {
        person = null;
        tube = null;
        reason = null;
        if (!facts.Rounds.TryGetValue(command.RoundId, out round) || round.SubdistrictId != sampler.SubdistrictId)
        {
            return SampleOutcome.Refused(TestingErrors.RoundNotFound);
        }

        if (round.Status != RoundStatus.Open)
        {
            return SampleOutcome.Refused(TestingErrors.RoundNotOpen);
        }

        var tubeCode = Code(command.TubeCode);
        if (tubeCode.Length is 0 or > MaxTubeCode || !tubeCode.All(char.IsAsciiLetterOrDigit))
        {
            return SampleOutcome.Refused(TestingErrors.TubeCodeInvalid);
        }

        var takenAt = command.TakenAt?.ToUniversalTime() ?? now;
        if (takenAt > now.AddMinutes(10) || takenAt < round.StartsAt.AddDays(-1))
        {
            return SampleOutcome.Refused(TestingErrors.TakenAtInvalid);
        }

        person = facts.Person(command);
        if (person is null)
        {
            return SampleOutcome.Refused(string.IsNullOrWhiteSpace(command.SamplingCode) && string.IsNullOrWhiteSpace(command.DocumentNumber)
                ? TestingErrors.PersonMissing
                : TestingErrors.PersonNotFound);
        }

        if (!facts.InScope(round, person))
        {
            reason = command.OutOfScopeReason?.Trim();
            if (string.IsNullOrEmpty(reason))
            {
                return SampleOutcome.Refused(TestingErrors.OutsideScope, new { person.Address });
            }

            reason = reason[..Math.Min(reason.Length, 200)];
        }

        if (facts.Sampled.TryGetValue((round.Id, person.ResidentId ?? person.VisitorId!.Value), out var earlier))
        {
            var point = earlier.PointId is { } p && facts.PointNames.TryGetValue(p, out var name) ? name : null;
            return SampleOutcome.Refused(TestingErrors.AlreadySampled,
                new { takenAt = earlier.TakenAt, sampler = earlier.SamplerName, point, tubeCode = earlier.TubeCode },
                time.Format(earlier.TakenAt), point ?? earlier.SamplerName);
        }

        var singleRequired = facts.NeedsSingle(person, round);
        if (facts.Tubes.TryGetValue(tubeCode, out tube))
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
        else if (singleRequired && round.PoolSize > 1 && !command.Single)
        {
            // The physical tube in the sampler's hand decides: a new pooled tube is not quietly made single.
            return SampleOutcome.Refused(TestingErrors.SingleTubeRequired);
        }

        return null;
    }

    private static string Code(string? raw) => raw?.Trim().ToUpperInvariant() ?? "";

    private async Task<SampleView> ViewAsync(SampleRecord record, Sampler sampler, CancellationToken cancellationToken)
    {
        var tube = await db.Tubes.AsNoTracking().SingleAsync(t => t.Id == record.TubeId, cancellationToken);
        var person = record.ResidentId is { } residentId
            ? (await Facts.Rows(db, db.Residents.IgnoreQueryFilters().Where(r => r.Id == residentId)).SingleOrDefaultAsync(cancellationToken))?.ToPerson()
            : await db.Visitors.AsNoTracking().Where(v => v.Id == record.VisitorId)
                .Select(v => new Person(null, v.Id, v.Name, null, null, null, v.CompoundId, null, "")).SingleOrDefaultAsync(cancellationToken);
        return View(record, person ?? new Person(record.ResidentId, record.VisitorId, "", null, null, null, null, null, ""), tube, sampler);
    }

    private static SampleView View(SampleRecord record, Person person, Tube tube, Sampler sampler) => new(
        record.Id, record.RoundId, record.ResidentId, record.VisitorId,
        sampler.SeesNames ? person.Name : Names.Mask(person.Name), person.Address,
        tube.Code, record.Position, tube.Capacity, tube.SealedAt is not null, record.TakenAt, record.RecordedAt);

    /// <summary>Everything a batch needs to know, read with one query per kind of fact.</summary>
    private sealed class Facts
    {
        public sealed record Earlier(DateTime TakenAt, string SamplerName, string TubeCode, Guid? PointId);

        public Dictionary<Guid, SampleRecord> Existing { get; private init; } = [];

        public Dictionary<Guid, TestingRound> Rounds { get; private init; } = [];

        public Dictionary<Guid, RoundScopeSet> Scopes { get; } = [];

        public Dictionary<Guid, HashSet<Guid>> RecallMembers { get; } = [];

        public Dictionary<string, Person> ByCode { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Person> ByDocument { get; } = new(StringComparer.Ordinal);

        public Dictionary<(Guid Round, Guid Person), Earlier> Sampled { get; } = [];

        public Dictionary<string, Tube> Tubes { get; private init; } = new(StringComparer.Ordinal);

        public HashSet<Guid> SingleRequired { get; } = [];

        public Dictionary<Guid, string> PointNames { get; private init; } = [];

        public static async Task<Facts> LoadAsync(CordonDb db, IReadOnlyList<Item> items, CancellationToken cancellationToken)
        {
            var ids = items.Select(i => i.Command.Id).Distinct().ToList();
            var roundIds = items.Select(i => i.Command.RoundId).Distinct().ToList();
            var tubeCodes = items.Select(i => Code(i.Command.TubeCode)).Where(c => c.Length > 0).Distinct().ToList();
            var tenant = items[0].Sampler.SubdistrictId;
            var facts = new Facts
            {
                Existing = await db.SampleRecords.AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken),
                Rounds = await db.TestingRounds.AsNoTracking().Where(r => roundIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, cancellationToken),
                Tubes = await db.Tubes.Where(t => tubeCodes.Contains(t.Code)).ToDictionaryAsync(t => t.Code, StringComparer.Ordinal, cancellationToken),
                PointNames = await db.SamplingPoints.AsNoTracking().Where(p => roundIds.Contains(p.RoundId)).ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken),
            };

            foreach (var scope in (await db.RoundScopes.AsNoTracking().Where(s => roundIds.Contains(s.RoundId)).ToListAsync(cancellationToken)).GroupBy(s => s.RoundId))
            {
                facts.Scopes[scope.Key] = new RoundScopeSet(scope.Key, null,
                    [.. scope.Where(s => s.NeighborhoodId is not null).Select(s => s.NeighborhoodId!.Value)],
                    [.. scope.Where(s => s.CompoundId is not null).Select(s => s.CompoundId!.Value)],
                    [.. scope.Where(s => s.BuildingId is not null).Select(s => s.BuildingId!.Value)]);
            }

            foreach (var round in facts.Rounds.Values.Where(r => r.RecallOf is not null))
            {
                facts.RecallMembers[round.Id] = [.. await Recalls.Members(db, round.RecallOf!.Value).Select(m => m.ResidentId).ToListAsync(cancellationToken)];
            }

            var codes = items.Select(i => Code(i.Command.SamplingCode)).Where(c => c.Length > 0).Distinct().ToList();
            var residentCodes = codes.Where(c => !c.StartsWith('V')).ToList();
            var visitorCodes = codes.Where(c => c.StartsWith('V')).ToList();
            var documents = items.Where(i => string.IsNullOrWhiteSpace(i.Command.SamplingCode)).Select(i => IdNumber.Normalize(i.Command.DocumentNumber)).Where(d => d.Length > 0).Distinct().ToList();
            if (residentCodes.Count > 0)
            {
                foreach (var row in await Rows(db, db.Residents.IgnoreQueryFilters().Where(r => r.SubdistrictId == tenant && residentCodes.Contains(r.SamplingCode))).ToListAsync(cancellationToken))
                {
                    facts.ByCode[row.SamplingCode] = row.ToPerson();
                }
            }

            if (visitorCodes.Count > 0)
            {
                foreach (var v in await db.Visitors.AsNoTracking().Where(v => visitorCodes.Contains(v.SamplingCode)).ToListAsync(cancellationToken))
                {
                    facts.ByCode[v.SamplingCode] = new Person(null, v.Id, v.Name, null, null, null, v.CompoundId, null, "");
                }
            }

            if (documents.Count > 0)
            {
                foreach (var row in await Rows(db, db.Residents.IgnoreQueryFilters().Where(r => r.SubdistrictId == tenant && r.DocumentNumber != null && documents.Contains(r.DocumentNumber))).ToListAsync(cancellationToken))
                {
                    facts.ByDocument.TryAdd(row.DocumentNumber!, row.ToPerson());
                }
            }

            var residents = facts.ByCode.Values.Concat(facts.ByDocument.Values).Where(p => p.ResidentId is not null).Select(p => p.ResidentId!.Value).Distinct().ToList();
            var visitors = facts.ByCode.Values.Where(p => p.VisitorId is not null).Select(p => p.VisitorId!.Value).ToList();
            foreach (var e in await db.SampleRecords.AsNoTracking()
                .Where(r => roundIds.Contains(r.RoundId) && ((r.ResidentId != null && residents.Contains(r.ResidentId.Value)) || (r.VisitorId != null && visitors.Contains(r.VisitorId.Value))))
                .Select(r => new { r.RoundId, Person = r.ResidentId ?? r.VisitorId!.Value, r.TakenAt, r.SamplerName, r.TubeCode, r.PointId })
                .ToListAsync(cancellationToken))
            {
                facts.Sampled[(e.RoundId, e.Person)] = new Earlier(e.TakenAt, e.SamplerName, e.TubeCode, e.PointId);
            }

            if (residents.Count > 0)
            {
                facts.SingleRequired.UnionWith(await db.PositiveCases.Where(c => residents.Contains(c.ResidentId)).Select(c => c.ResidentId).ToListAsync(cancellationToken));
                var pools = await db.SampleRecords.Where(r => r.ResidentId != null && residents.Contains(r.ResidentId.Value))
                    .Join(db.Tubes.Where(t => t.Result == TubeResult.Positive && t.Capacity > 1), r => r.TubeId, t => t.Id, (r, _) => new { r.ResidentId, r.TakenAt })
                    .ToListAsync(cancellationToken);
                if (pools.Count > 0)
                {
                    var cleared = await db.SampleRecords.Where(r => r.ResidentId != null && residents.Contains(r.ResidentId.Value))
                        .Join(db.Tubes.Where(t => t.Result == TubeResult.Negative && t.Capacity == 1), r => r.TubeId, t => t.Id, (r, _) => new { r.ResidentId, r.TakenAt })
                        .ToListAsync(cancellationToken);
                    foreach (var pool in pools.GroupBy(p => p.ResidentId!.Value))
                    {
                        var last = pool.Max(p => p.TakenAt);
                        if (!cleared.Any(c => c.ResidentId == pool.Key && c.TakenAt > last))
                        {
                            facts.SingleRequired.Add(pool.Key);
                        }
                    }
                }
            }

            return facts;
        }

        public Person? Person(SampleCommand command)
        {
            var code = Code(command.SamplingCode);
            if (code.Length > 0)
            {
                return ByCode.GetValueOrDefault(code);
            }

            var number = IdNumber.Normalize(command.DocumentNumber);
            return number.Length > 0 ? ByDocument.GetValueOrDefault(number) : null;
        }

        public bool InScope(TestingRound round, Person person)
        {
            if (person.ResidentId is not { } resident)
            {
                return true;
            }

            if (round.RecallOf is not null)
            {
                return RecallMembers.TryGetValue(round.Id, out var members) && members.Contains(resident);
            }

            return Scopes.TryGetValue(round.Id, out var scope)
                && ((person.NeighborhoodId is { } n && scope.Neighborhoods.Contains(n))
                    || (person.ResidentCompoundId is { } c && scope.Compounds.Contains(c))
                    || (person.ResidentBuildingId is { } b && scope.Buildings.Contains(b)));
        }

        public bool NeedsSingle(Person person, TestingRound round) =>
            round.PoolSize == 1 || (person.ResidentId is { } id && SingleRequired.Contains(id));

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


public static class Names
{
    /// <summary>张三丰 → 张**: enough to call someone forward, not enough to identify them.</summary>
    public static string Mask(string name) =>
        string.IsNullOrEmpty(name) ? name : name.Contains(' ', StringComparison.Ordinal) ? name.Split(' ')[0] + " *" : name[0] + new string('*', Math.Max(1, name.Length - 1));
}
