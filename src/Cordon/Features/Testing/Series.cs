using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

public sealed record SeriesPerson(Guid ResidentId, string Name, string Compound, string Address, DateTime? First, DateTime? Second);

public sealed record SeriesStatus(Guid SeriesId, DateTime StartsAt, DateTime Deadline, IReadOnlyList<(Guid Id, string Name, DateTime StartsAt)> Rounds, IReadOnlyList<SeriesPerson> People)
{
    public int Done => People.Count(p => p.Second is not null);

    public int Once => People.Count(p => p.First is not null && p.Second is null);

    public int None => People.Count(p => p.First is null);
}

/// <summary>
/// "Two tests within 48 hours" for a sealed building: the rounds of one series, and per person which
/// of the two is done, and when the deadline (48 hours after the series began) falls.
/// </summary>
public static class Series
{
    public static readonly TimeSpan Window = TimeSpan.FromHours(48);

    public static async Task<SeriesStatus?> StatusAsync(CordonDb db, Guid seriesId, CancellationToken cancellationToken)
    {
        var rounds = await db.TestingRounds.AsNoTracking().Where(r => r.SeriesId == seriesId).OrderBy(r => r.StartsAt).ToListAsync(cancellationToken);
        if (rounds.Count == 0)
        {
            return null;
        }

        var expected = new Dictionary<Guid, (string Name, string Compound, string Address)>();
        foreach (var round in rounds)
        {
            var scope = await Roster.ScopeAsync(db, round, cancellationToken);
            foreach (var person in await Coverage.Missing(db, scope).Select(m => new { m.ResidentId, m.Name, m.Compound, m.Address }).ToListAsync(cancellationToken))
            {
                expected.TryAdd(person.ResidentId, (person.Name, person.Compound, person.Address));
            }

            // The missing query lists the not-yet-sampled; add the sampled of this round too.
            var sampled = Roster.Expected(db, scope).Where(r => db.Set<SampleRecord>().Any(s => s.RoundId == round.Id && s.ResidentId == r.Id));
            foreach (var person in await db.Rows(sampled).Select(r => new { r.Id, r.Name, r.Compound, r.Address }).ToListAsync(cancellationToken))
            {
                expected.TryAdd(person.Id, (person.Name, person.Compound, person.Address));
            }
        }

        var ids = rounds.Select(r => r.Id).ToList();
        var samples = (await db.SampleRecords.AsNoTracking().Where(s => ids.Contains(s.RoundId) && s.ResidentId != null)
                .Select(s => new { ResidentId = s.ResidentId!.Value, s.TakenAt }).ToListAsync(cancellationToken))
            .GroupBy(s => s.ResidentId).ToDictionary(g => g.Key, g => g.Select(x => x.TakenAt).Order().ToList());
        var people = expected
            .Select(e => (Person: e, Times: samples.GetValueOrDefault(e.Key) ?? []))
            .Select(x => new SeriesPerson(x.Person.Key, x.Person.Value.Name, x.Person.Value.Compound, x.Person.Value.Address,
                x.Times.Count > 0 ? x.Times[0] : null, x.Times.Count > 1 ? x.Times[1] : null))
            .OrderBy(p => p.Second is null ? 0 : 1).ThenBy(p => p.Compound).ThenBy(p => p.Address, StringComparer.Ordinal)
            .ToList();
        var start = rounds[0].StartsAt;
        return new SeriesStatus(seriesId, start, start + Window, [.. rounds.Select(r => (r.Id, r.Name, r.StartsAt))], people);
    }
}
