using Cordon.Features.Sweeps;

namespace Cordon.Tests.Features.Sweeps;

/// <summary>The planner alone (issue 13): whole entrances, contiguous runs, work balanced rather than counted.</summary>
public sealed class PlannerTests
{
    /// <summary>The seed's compound in the demo's shape: 40 walk-ups of 6–7 floors with 2–4 entrances, a 33- and an 18-floor tower.</summary>
    private static List<EntranceLoad> SeedCompound()
    {
        var random = new Random(580);
        var entrances = new List<EntranceLoad>();
        for (var n = 1; n <= 40; n++)
        {
            var floors = n % 7 == 0 ? 7 : 6;
            for (var e = 1; e <= 2 + (n % 3); e++)
            {
                entrances.Add(new EntranceLoad(Guid.NewGuid(), e, false,
                    [.. Enumerable.Range(1, floors).SelectMany(f => Enumerable.Range(1, 2).Select(_ => new FlatLoad(f, random.Next(1, 5), random.Next(0, 10) == 0 ? 1 : 0)))]));
            }
        }

        entrances.Add(new EntranceLoad(Guid.NewGuid(), 1, true, [.. Enumerable.Range(1, 33 * 4).Select(i => new FlatLoad(1 + (i / 4), random.Next(1, 5), 0))]));
        entrances.Add(new EntranceLoad(Guid.NewGuid(), 1, true, [.. Enumerable.Range(1, 18 * 6).Select(i => new FlatLoad(1 + (i / 6), random.Next(1, 5), 0))]));
        return entrances;
    }

    [Fact]
    public void SixteenTeamsOnTheSeedsCompoundAreWithinFifteenPercentAndEveryEntranceIsInExactlyOneTeam()
    {
        var entrances = SeedCompound();
        var teams = Planner.Split(entrances, 16);
        Assert.Equal(16, teams.Count);
        Assert.Equal(Enumerable.Range(0, entrances.Count), teams.SelectMany(t => t).Order());
        // Contiguous around the compound: each team's entrances follow one another (the last building next to the first).
        Assert.All(teams, t => Assert.All(t.Zip(t.Skip(1)), pair => Assert.Equal((pair.First + 1) % entrances.Count, pair.Second)));
        var loads = teams.Select(t => t.Sum(i => entrances[i].Effort)).ToList();
        Assert.True(Planner.Spread(loads) <= 0.15, $"spread {Planner.Spread(loads):P1}: {string.Join(", ", loads.Select(l => Math.Round(l)))}");
    }

    [Fact]
    public void ASixthFloorWalkUpFlatCostsSixTimesTheGroundFloorsClimbAndALiftFlatCostsTheSameOnEveryFloor()
    {
        var ground = Planner.Effort(new FlatLoad(1, 0, 0), hasLift: false) - Planner.AtDoor;
        var sixth = Planner.Effort(new FlatLoad(6, 0, 0), hasLift: false) - Planner.AtDoor;
        Assert.Equal(6 * ground, sixth, 6);
        Assert.Equal(Planner.Effort(new FlatLoad(1, 2, 0), hasLift: true), Planner.Effort(new FlatLoad(30, 2, 0), hasLift: true));
        Assert.True(Planner.Effort(new FlatLoad(3, 5, 1), false) > Planner.Effort(new FlatLoad(3, 1, 0), false));
    }

    [Fact]
    public void MoreTeamsThanEntrancesGivesOneEntranceEachAndNoneEmpty()
    {
        var entrances = SeedCompound().Take(5).ToList();
        var teams = Planner.Split(entrances, 16);
        Assert.Equal(5, teams.Count);
        Assert.Equal(Enumerable.Range(0, 5), teams.SelectMany(t => t).Order());
        Assert.All(teams, t => Assert.Single(t));
        Assert.Empty(Planner.Split([], 16));
    }
}
