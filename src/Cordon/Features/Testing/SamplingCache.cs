using System.Collections.Concurrent;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>
/// What the sample writer knows between batches, per sub-district: who people are, round scopes,
/// who is already sampled, the tubes and their fill, who must be sampled alone. Only the writer
/// reads and updates it (one thread); other code only drops it (<see cref="Invalidate"/>).
///
/// It may be behind the database (another node wrote, a lab result arrived on another node), never
/// ahead: anything it lets through that the database has seen differently fails on the unique indexes
/// (client id; round + person; tube + position; tube code), the batch is rolled back, the cache
/// dropped, and the samples are registered again one by one from fresh reads.
/// </summary>
public sealed class SamplingCache(PeopleChanges people, IServiceScopeFactory scopes)
{
    private readonly ConcurrentDictionary<Guid, Tenant> _tenants = new();

    /// <summary>
    /// Forget what may have changed (samples, tubes, who must be sampled alone); people are kept, since
    /// re-reading a whole sub-district for one race would stall the writer.
    /// </summary>
    public void Invalidate(Guid subdistrictId)
    {
        if (_tenants.TryGetValue(subdistrictId, out var tenant))
        {
            tenant.Stale = true;
        }
    }

    internal Tenant For(Guid subdistrictId) => _tenants.GetOrAdd(subdistrictId, id => new Tenant(id, people, scopes));

    internal sealed record Earlier(DateTime TakenAt, string SamplerName, string TubeCode, Guid? PointId);

    internal sealed class TubeState
    {
        public required Guid Id { get; init; }

        public required Guid RoundId { get; init; }

        public required string Code { get; init; }

        public required int Capacity { get; init; }

        public int Count { get; set; }

        public bool Sealed { get; set; }
    }

    internal sealed class Tenant(Guid id, PeopleChanges people, IServiceScopeFactory scopes)
    {
        private readonly HashSet<Guid> _changedWhileLoading = [];
        private Task<List<SamplingRegistrar.PersonRow>>? _peopleLoad;

        private readonly Dictionary<Guid, (string Code, string? Document)> _byId = [];

        private bool _peopleLoaded;
        private bool _singleLoaded;

        public Guid Id { get; } = id;

        /// <summary>Set by any thread; the writer clears what may have changed before its next batch.</summary>
        public volatile bool Stale;

        public Dictionary<string, Person> ByCode { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Person> ByDocument { get; } = new(StringComparer.Ordinal);

        public Dictionary<Guid, RoundScopeSet> Scopes { get; } = [];

        public Dictionary<Guid, HashSet<Guid>> RecallMembers { get; } = [];

        public Dictionary<Guid, Dictionary<Guid, Earlier>> Sampled { get; } = [];

        public Dictionary<string, TubeState> Tubes { get; } = new(StringComparer.Ordinal);

        public HashSet<string> AbsentTubes { get; } = new(StringComparer.Ordinal);

        public HashSet<Guid> SingleRequired { get; } = [];

        public Dictionary<Guid, string> PointNames { get; } = [];

        /// <summary>Brings in what this batch needs and the cache does not hold yet.</summary>
        public async Task FillAsync(CordonDb db, IReadOnlyCollection<TestingRound> rounds, IReadOnlyCollection<SampleCommand> commands, CancellationToken cancellationToken)
        {
            if (Stale)
            {
                Stale = false;
                Sampled.Clear();
                Tubes.Clear();
                AbsentTubes.Clear();
                RecallMembers.Clear();
                SingleRequired.Clear();
                _singleLoaded = false;
            }

            if (!_peopleLoaded)
            {
                // Every resident of the sub-district once, read beside the writer: a day of sampling then asks the
                // database nothing about people, and the first batches do not wait for 100,000 rows — until the
                // load is in, they look up just the codes they carry (below).
                _peopleLoad ??= LoadPeopleAsync();
                if (_peopleLoad.IsCompletedSuccessfully)
                {
                    foreach (var row in _peopleLoad.Result.Where(r => !_changedWhileLoading.Contains(r.Id) && !ByCode.ContainsKey(r.SamplingCode)))
                    {
                        Add(row);
                    }

                    _changedWhileLoading.Clear();
                    _peopleLoaded = true;
                }
                else if (_peopleLoad.IsFaulted || _peopleLoad.IsCanceled)
                {
                    _peopleLoad = null;
                }
            }

            if (people.Take(Id) is { Count: > 0 } changed)
            {
                if (!_peopleLoaded)
                {
                    _changedWhileLoading.UnionWith(changed);
                }

                // Residents edited since (moved out, a new sampling code, a corrected ID number): just those again.
                foreach (var resident in changed.Distinct())
                {
                    if (_byId.Remove(resident, out var old))
                    {
                        ByCode.Remove(old.Code);
                        if (old.Document is { } document && ByDocument.TryGetValue(document, out var holder) && holder.ResidentId == resident)
                        {
                            ByDocument.Remove(document);
                        }
                    }
                }

                var ids = changed.Distinct().ToList();
                foreach (var row in await SamplingRegistrar.Facts.Rows(db, db.Residents.IgnoreQueryFilters().Where(r => r.SubdistrictId == Id && ids.Contains(r.Id))).ToListAsync(cancellationToken))
                {
                    Add(row);
                }
            }

            var unknownCodes = commands.Select(c => Code(c.SamplingCode)).Where(c => c.Length > 0 && !ByCode.ContainsKey(c)).Distinct().ToList();
            if (unknownCodes.Count > 0)
            {
                foreach (var row in await SamplingRegistrar.Facts.Rows(db, db.Residents.IgnoreQueryFilters().Where(r => r.SubdistrictId == Id && unknownCodes.Contains(r.SamplingCode))).ToListAsync(cancellationToken))
                {
                    Add(row);
                }

                foreach (var v in await db.Visitors.AsNoTracking().Where(v => unknownCodes.Contains(v.SamplingCode)).ToListAsync(cancellationToken))
                {
                    ByCode[v.SamplingCode] = new Person(null, v.Id, v.Name, null, null, null, v.CompoundId, null, "");
                }
            }

            var unknownDocuments = commands.Where(c => string.IsNullOrWhiteSpace(c.SamplingCode)).Select(c => IdNumber.Normalize(c.DocumentNumber))
                .Where(d => d.Length > 0 && !ByDocument.ContainsKey(d)).Distinct().ToList();
            if (unknownDocuments.Count > 0)
            {
                foreach (var row in await SamplingRegistrar.Facts.Rows(db, db.Residents.IgnoreQueryFilters().Where(r => r.SubdistrictId == Id && r.DocumentNumber != null && unknownDocuments.Contains(r.DocumentNumber))).ToListAsync(cancellationToken))
                {
                    Add(row);
                }
            }

            foreach (var round in rounds)
            {
                if (!Scopes.ContainsKey(round.Id))
                {
                    Scopes[round.Id] = await Roster.ScopeAsync(db, round, cancellationToken);
                    foreach (var point in await db.SamplingPoints.AsNoTracking().Where(p => p.RoundId == round.Id).ToListAsync(cancellationToken))
                    {
                        PointNames[point.Id] = point.Name;
                    }
                }

                if (round.RecallOf is { } original && !RecallMembers.ContainsKey(round.Id))
                {
                    RecallMembers[round.Id] = [.. await Recalls.Members(db, original).Select(m => m.ResidentId).ToListAsync(cancellationToken)];
                }

                if (!Sampled.ContainsKey(round.Id))
                {
                    var roundId = round.Id;
                    Sampled[round.Id] = (await db.SampleRecords.AsNoTracking().Where(r => r.RoundId == roundId)
                            .Select(r => new { Person = r.ResidentId ?? r.VisitorId!.Value, r.TakenAt, r.SamplerName, r.TubeCode, r.PointId })
                            .ToListAsync(cancellationToken))
                        .ToDictionary(e => e.Person, e => new Earlier(e.TakenAt, e.SamplerName, e.TubeCode, e.PointId));
                }
            }

            var tubeCodes = commands.Select(c => Code(c.TubeCode)).Where(c => c.Length > 0 && !Tubes.ContainsKey(c) && !AbsentTubes.Contains(c)).Distinct().ToList();
            if (tubeCodes.Count > 0)
            {
                foreach (var t in await db.Tubes.AsNoTracking().Where(t => tubeCodes.Contains(t.Code))
                    .Select(t => new { t.Id, t.RoundId, t.Code, t.Capacity, t.SealedAt, Count = db.Set<SampleRecord>().Count(r => r.TubeId == t.Id) })
                    .ToListAsync(cancellationToken))
                {
                    Tubes[t.Code] = new TubeState { Id = t.Id, RoundId = t.RoundId, Code = t.Code, Capacity = t.Capacity, Count = t.Count, Sealed = t.SealedAt is not null };
                }

                AbsentTubes.UnionWith(tubeCodes.Where(c => !Tubes.ContainsKey(c)));
            }

            if (!_singleLoaded)
            {
                SingleRequired.UnionWith(await SingleTube.RequiredAsync(db, null, cancellationToken));
                _singleLoaded = true;
            }
        }

        private async Task<List<SamplingRegistrar.PersonRow>> LoadPeopleAsync()
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<Platform.Auth.Caller>().ActForSubdistrict(Id, "sampling");
            var db = scope.ServiceProvider.GetRequiredService<CordonDb>();
            return await SamplingRegistrar.Facts.Rows(db, db.Residents.IgnoreQueryFilters().Where(r => r.SubdistrictId == Id)).ToListAsync();
        }

        private void Add(SamplingRegistrar.PersonRow row)
        {
            var person = row.ToPerson();
            ByCode[row.SamplingCode] = person;
            _byId[row.Id] = (row.SamplingCode, row.DocumentNumber);
            if (row.DocumentNumber is { } number)
            {
                ByDocument.TryAdd(number, person);
            }
        }
    }

    internal static string Code(string? raw) => raw?.Trim().ToUpperInvariant() ?? "";
}
