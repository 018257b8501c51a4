namespace Cordon.Features.Sweeps;

/// <summary>One flat as the planner weighs it: its floor, how many live there, how many need special care.</summary>
public sealed record FlatLoad(int Floor, int People, int SpecialNeeds);

/// <summary>A stairwell (单元) of a building, in walking order (compound, building, entrance).</summary>
public sealed record EntranceLoad(Guid BuildingId, int Entrance, bool HasLift, IReadOnlyList<FlatLoad> Flats)
{
    public double Effort => Planner.Effort(this);
}

/// <summary>
/// Whole entrances to teams, balancing the work, not the count (issue 13). A flat's effort is the climb (in a walk-up
/// it grows with the floor: the sixth floor costs six times the ground floor's climb; with a lift every floor costs
/// one) plus the time at the door (more for larger households and for special-needs residents). Teams take
/// contiguous runs of entrances in walking order, so a team stays in one building or its neighbours; among the
/// contiguous splits, the one closest to equal shares is chosen (least squared deviation, by dynamic programming).
/// </summary>
public static class Planner
{
    /// <summary>Minutes of climbing per floor in a walk-up (and once per flat with a lift).</summary>
    public const double ClimbPerFloor = 1.5;

    /// <summary>Minutes at a door, per person living there, and extra per special-needs resident.</summary>
    public const double AtDoor = 2, PerPerson = 0.5, PerSpecialNeed = 2;

    public static double Effort(FlatLoad flat, bool hasLift) =>
        (hasLift ? ClimbPerFloor : ClimbPerFloor * Math.Max(1, flat.Floor)) + AtDoor + (PerPerson * flat.People) + (PerSpecialNeed * flat.SpecialNeeds);

    public static double Effort(EntranceLoad entrance) => entrance.Flats.Sum(f => Effort(f, entrance.HasLift));

    /// <summary>
    /// Splits the entrances (in walking order, the last building next to the first, as around a compound) into at
    /// most <paramref name="teams"/> contiguous runs; returns each team's entrance indexes. The walk may start at any
    /// building (up to 24 starts are tried): two heavy towers side by side then go to two teams, each with walk-ups.
    /// </summary>
    public static List<List<int>> Split(IReadOnlyList<EntranceLoad> entrances, int teams)
    {
        var starts = Enumerable.Range(0, entrances.Count).Where(i => i == 0 || entrances[i].BuildingId != entrances[i - 1].BuildingId).ToList();
        var step = Math.Max(1, starts.Count / 24);
        List<List<int>>? best = null;
        var bestSpread = double.MaxValue;
        for (var s = 0; s < starts.Count; s += step)
        {
            var start = starts[s];
            var order = Enumerable.Range(0, entrances.Count).Select(i => (i + start) % entrances.Count).ToList();
            var split = SplitInOrder([.. order.Select(i => entrances[i])], teams).Select(t => t.Select(i => order[i]).ToList()).ToList();
            var spread = Spread(split.Select(t => t.Sum(i => entrances[i].Effort)));
            if (spread < bestSpread - 1e-9)
            {
                (best, bestSpread) = (split, spread);
            }
        }

        return best ?? [];
    }

    /// <summary>The contiguous split of the entrances in this order closest to equal shares.</summary>
    private static List<List<int>> SplitInOrder(IReadOnlyList<EntranceLoad> entrances, int teams)
    {
        var n = entrances.Count;
        var k = Math.Max(1, Math.Min(teams, n));
        if (n == 0)
        {
            return [];
        }

        var prefix = new double[n + 1];
        for (var i = 0; i < n; i++)
        {
            prefix[i + 1] = prefix[i] + entrances[i].Effort;
        }

        var mean = prefix[n] / k;
        // cost[j, i]: the least sum of squared deviations splitting the first i entrances into j teams.
        var cost = new double[k + 1, n + 1];
        var cut = new int[k + 1, n + 1];
        for (var j = 0; j <= k; j++)
        {
            for (var i = 0; i <= n; i++)
            {
                cost[j, i] = double.PositiveInfinity;
            }
        }

        cost[0, 0] = 0;
        for (var j = 1; j <= k; j++)
        {
            for (var i = j; i <= n - (k - j); i++)
            {
                for (var p = j - 1; p < i; p++)
                {
                    if (double.IsPositiveInfinity(cost[j - 1, p]))
                    {
                        continue;
                    }

                    var load = prefix[i] - prefix[p];
                    var candidate = cost[j - 1, p] + ((load - mean) * (load - mean));
                    if (candidate < cost[j, i])
                    {
                        cost[j, i] = candidate;
                        cut[j, i] = p;
                    }
                }
            }
        }

        var result = new List<List<int>>();
        for (int j = k, i = n; j > 0; j--)
        {
            var p = cut[j, i];
            result.Insert(0, [.. Enumerable.Range(p, i - p)]);
            i = p;
        }

        return result;
    }

    /// <summary>(heaviest − lightest) / heaviest: 0 is perfectly even.</summary>
    public static double Spread(IEnumerable<double> loads)
    {
        var list = loads.ToList();
        return list.Count == 0 || list.Max() <= 0 ? 0 : (list.Max() - list.Min()) / list.Max();
    }
}
