using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Platform.Sites;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Sweeps;

public sealed record SweepRequest(Guid? Id, Guid? LockdownId, List<Guid>? CompoundIds, int? Round, string? Label, int? Teams);

public sealed record EntranceRef(Guid BuildingId, int Entrance);

public sealed record EntranceMove(Guid BuildingId, int Entrance, int Team);

public sealed record TeamMembers(int Team, string? Members);

public sealed record TeamView(int No, string Members, double Effort, IReadOnlyList<EntranceView> Entrances, int Flats, int People);

public sealed record EntranceView(Guid BuildingId, string Building, int Entrance, double Effort, int Flats, int People);

public sealed record SweepView(Guid Id, Guid? LockdownId, string Scope, int Round, string Label, DateTime CreatedAt, double Spread, IReadOnlyList<TeamView> Teams);

public sealed record PacketResident(Guid Id, string Name, string? Phone, int? Age, IReadOnlyList<string> Tags);

public sealed record PacketFlat(Guid FlatId, int Floor, string Room, bool Vacant, IReadOnlyList<PacketResident> Residents);

public sealed record PacketEntrance(Guid BuildingId, string Building, int Entrance, bool HasLift, int Floors, IReadOnlyList<PacketFlat> Flats);

/// <summary>A flat the previous round left unresolved (<c>reason</c>: unvisited, nobody_home, refused); walked first.</summary>
public sealed record CarryOver(Guid FlatId, string Reason, int Round, Guid BuildingId, string Building, int Entrance, int Floor, string Room);

public sealed record Packet(
    int Team, string Members, string Scope, int Round, string Label, IReadOnlyList<PacketEntrance> Entrances, IReadOnlyList<CarryOver> CarryOver,
    int FlatCount, int PeopleCount, int FloorsClimbed);

/// <summary>Expected refusals of sweeps. Texts: <c>error.{code}</c> in Sweeps.strings.json.</summary>
public static class SweepErrors
{
    public static readonly Error ScopeEmpty = new("sweep_scope_empty");
    public static readonly Error ScopeTooLarge = new("sweep_scope_too_large");
    public static readonly Error TeamsInvalid = new("sweep_teams_invalid");
    public static readonly Error RoundInvalid = new("sweep_round_invalid");
    public static readonly Error TextInvalid = new("sweep_text_invalid");
    public static readonly Error LockdownNotFound = new("sweep_lockdown_not_found", StatusCodes.Status404NotFound);
    public static readonly Error NotFound = new("sweep_not_found", StatusCodes.Status404NotFound);
    public static readonly Error TeamNotFound = new("sweep_team_not_found", StatusCodes.Status404NotFound);
    public static readonly Error MoveInvalid = new("sweep_move_invalid");
    public static readonly Error Changed = new("sweep_changed", StatusCodes.Status409Conflict);
}

/// <summary>
/// Sweep rounds for the API and the pages: plan (scope → entrances → teams by effort), move an entrance by hand, the
/// teams' packets (flats top floor first in walk-ups, residents as the caller may see them). A sweep is seen when
/// its buildings are in the caller's jurisdiction.
/// </summary>
public sealed class SweepDesk(CordonDb db, Caller caller, Catalog catalog, TimeProvider clock, LocalTime time, ISites sites, SweepRounds rounds, IEnumerable<ISiteCrew> crews)
{
    public const int MaxBuildings = 1000;

    public IQueryable<Sweep> Visible() => db.Set<Sweep>().Where(s => db.Set<SweepEntrance>().Any(e => e.SweepId == s.Id));

    public Task<Sweep?> FindAsync(Guid id, CancellationToken cancellationToken) => Visible().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);

    public async Task<(Sweep? Sweep, bool Created, Error? Error)> CreateAsync(SweepRequest body, CancellationToken cancellationToken)
    {
        if (body.Id is { } clientId && await FindAsync(clientId, cancellationToken) is { } first)
        {
            return (first, false, null);
        }

        if (body.Teams is not null and not (>= 1 and <= 100))
        {
            return (null, false, SweepErrors.TeamsInvalid);
        }

        if (body.Round is not null and not (>= 1 and <= 20))
        {
            return (null, false, SweepErrors.RoundInvalid);
        }

        var (label, labelOk) = Reasons.Check(body.Label, 32);
        if (!labelOk && label.Length > 0)
        {
            return (null, false, SweepErrors.TextInvalid);
        }

        Site? site = null;
        List<Guid> buildingIds;
        string scope;
        if (body.LockdownId is { } lockdownId)
        {
            site = await sites.FindAsync(db, lockdownId, cancellationToken);
            if (site is null)
            {
                return (null, false, SweepErrors.LockdownNotFound);
            }

            buildingIds = [.. await db.Buildings.Where(b => site.BuildingIds.Contains(b.Id)).Select(b => b.Id).ToListAsync(cancellationToken)];
            scope = site.Name;
        }
        else
        {
            var compounds = (body.CompoundIds ?? []).Distinct().Take(MaxBuildings + 1).ToList();
            buildingIds = await db.Buildings.Where(b => compounds.Contains(b.CompoundId)).Select(b => b.Id).ToListAsync(cancellationToken);
            scope = string.Join("、", await db.Compounds.Where(c => compounds.Contains(c.Id)).OrderBy(c => c.Name).Select(c => c.Name).ToListAsync(cancellationToken));
        }

        if (buildingIds.Count == 0)
        {
            return (null, false, SweepErrors.ScopeEmpty);
        }

        if (buildingIds.Count > MaxBuildings)
        {
            return (null, false, SweepErrors.ScopeTooLarge);
        }

        var entrances = await EntrancesAsync(buildingIds, cancellationToken);
        var teams = Planner.Split([.. entrances.Select(e => e.Load)], body.Teams ?? 16);
        var round = body.Round ?? (site is null
            ? await db.Set<Sweep>().CountAsync(s => s.LockdownId == null && s.Scope == scope, cancellationToken) + 1
            : await db.Set<Sweep>().CountAsync(s => s.LockdownId == site.Id, cancellationToken) + 1);
        var now = clock.GetUtcNow().UtcDateTime;
        var sweep = new Sweep
        {
            Id = body.Id ?? Guid.CreateVersion7(),
            SubdistrictId = caller.SubdistrictId,
            LockdownId = site?.Id,
            Scope = scope.Length <= 200 ? scope : scope[..199] + "…",
            Round = round,
            Label = label,
            Teams = teams.Count,
            CreatedAt = now,
            CreatedBy = caller.UserName,
        };
        db.Set<Sweep>().Add(sweep);
        var members = site is null ? new string[teams.Count] : await MembersAsync(site.Id, teams.Count, cancellationToken);
        for (var t = 0; t < teams.Count; t++)
        {
            foreach (var i in teams[t])
            {
                var e = entrances[i];
                db.Set<SweepEntrance>().Add(new SweepEntrance
                {
                    SubdistrictId = sweep.SubdistrictId,
                    NeighborhoodId = e.NeighborhoodId,
                    CompoundId = e.CompoundId,
                    SweepId = sweep.Id,
                    BuildingId = e.Load.BuildingId,
                    Entrance = e.Load.Entrance,
                    Team = t + 1,
                    Order = i,
                    Effort = Math.Round(e.Load.Effort, 1),
                    Flats = e.Load.Flats.Count,
                    People = e.Load.Flats.Sum(f => f.People),
                });
            }

            db.Set<SweepTeam>().Add(new SweepTeam
            {
                SubdistrictId = sweep.SubdistrictId,
                SweepId = sweep.Id,
                No = t + 1,
                Members = members[t] ?? "",
                Effort = Math.Round(teams[t].Sum(i => entrances[i].Load.Effort), 1),
                Flats = teams[t].Sum(i => entrances[i].Load.Flats.Count),
                People = teams[t].Sum(i => entrances[i].Load.Flats.Sum(f => f.People)),
            });
        }

        sweep.Spread = Math.Round(Planner.Spread(teams.Select(t => t.Sum(i => entrances[i].Load.Effort))), 3);
        if (site is not null)
        {
            await sites.CompleteAsync(db, site.Id, "sweep_ready", now, caller.UserName, catalog.Both("sweeps.ready-note", teams.Count, round).Zh, cancellationToken);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (body.Id is { } raced)
        {
            db.ChangeTracker.Clear();
            return (await FindAsync(raced, cancellationToken), false, null);
        }

        return (sweep, true, null);
    }

    /// <summary>
    /// The lockdown's crew on site (leaders and sweepers who arrived through a call-up and have not signed off), dealt
    /// to the teams: a leader to each team first, then the sweepers in turn. Empty when nobody called is there yet.
    /// </summary>
    private async Task<string?[]> MembersAsync(Guid lockdownId, int teamCount, CancellationToken cancellationToken)
    {
        var crew = new List<CrewMember>();
        foreach (var source in crews)
        {
            crew.AddRange(await source.OnSiteAsync(db, lockdownId, cancellationToken));
        }

        var dealt = new List<string>[teamCount];
        foreach (var (person, i) in crew.OrderByDescending(c => c.Leader).Select((c, i) => (c, i)))
        {
            (dealt[i % teamCount] ??= []).Add(person.Name);
        }

        return [.. dealt.Select(names => names is null ? null : string.Join("、", names) is var text && text.Length <= 300 ? text : text[..299] + "…")];
    }

    /// <summary>The leader moves entrances between teams by hand; the teams' work and the spread follow.</summary>
    public async Task<Error?> MoveAsync(Sweep sweep, IReadOnlyList<EntranceMove?> moves, CancellationToken cancellationToken)
    {
        if (moves.Count is 0 or > 500 || moves.Any(m => m is null || m.Team < 1 || m.Team > sweep.Teams))
        {
            return SweepErrors.MoveInvalid;
        }

        var entrances = await db.Set<SweepEntrance>().Where(e => e.SweepId == sweep.Id).ToListAsync(cancellationToken);
        foreach (var move in moves)
        {
            if (entrances.SingleOrDefault(e => e.BuildingId == move!.BuildingId && e.Entrance == move.Entrance) is not { } entrance)
            {
                return SweepErrors.MoveInvalid;
            }

            entrance.Team = move!.Team;
        }

        var teams = await db.Set<SweepTeam>().Where(t => t.SweepId == sweep.Id).ToListAsync(cancellationToken);
        foreach (var team in teams)
        {
            var mine = entrances.Where(e => e.Team == team.No).ToList();
            team.Effort = Math.Round(mine.Sum(e => e.Effort), 1);
            team.Flats = mine.Sum(e => e.Flats);
            team.People = mine.Sum(e => e.People);
        }

        sweep.Spread = Math.Round(Planner.Spread(teams.Select(t => t.Effort)), 3);
        sweep.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return SweepErrors.Changed;
        }
    }

    /// <summary>Who is in each team: names as the leader types them (e.g. 张伟、李娜), printed on the packet.</summary>
    public async Task<Error?> NameAsync(Sweep sweep, IReadOnlyList<TeamMembers?> members, CancellationToken cancellationToken)
    {
        if (members.Count > 100 || members.Any(m => m is null || m.Team < 1 || m.Team > sweep.Teams))
        {
            return SweepErrors.MoveInvalid;
        }

        var teams = await db.Set<SweepTeam>().Where(t => t.SweepId == sweep.Id).ToListAsync(cancellationToken);
        foreach (var m in members)
        {
            var (names, ok) = Reasons.Check(m!.Members, 300);
            if (!ok && names.Length > 0)
            {
                return SweepErrors.TextInvalid;
            }

            teams.Single(t => t.No == m.Team).Members = names;
        }

        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    public async Task<SweepView> ViewAsync(Sweep sweep, CancellationToken cancellationToken)
    {
        var teams = await db.Set<SweepTeam>().AsNoTracking().Where(t => t.SweepId == sweep.Id).OrderBy(t => t.No).ToListAsync(cancellationToken);
        var entrances = await db.Set<SweepEntrance>().AsNoTracking().Where(e => e.SweepId == sweep.Id)
            .Join(db.Buildings, e => e.BuildingId, b => b.Id, (e, b) => new { e, b.Number, b.CompoundId })
            .Join(db.Compounds, x => x.CompoundId, c => c.Id, (x, c) => new { x.e, Building = c.Name + " " + x.Number })
            .OrderBy(x => x.e.Order).ToListAsync(cancellationToken);
        return new SweepView(sweep.Id, sweep.LockdownId, sweep.Scope, sweep.Round, sweep.Label, sweep.CreatedAt, sweep.Spread,
            [.. teams.Select(t => new TeamView(t.No, t.Members, t.Effort,
                [.. entrances.Where(x => x.e.Team == t.No).Select(x => new EntranceView(x.e.BuildingId, x.Building, x.e.Entrance, x.e.Effort, x.e.Flats, x.e.People))],
                t.Flats, t.People))]);
    }

    /// <summary>
    /// A team's packet: its entrances in walking order, each with its flats from the top floor down (one climb, then
    /// door to door on the way down), residents as the caller may see them, special needs first to the eye.
    /// </summary>
    public async Task<Packet?> PacketAsync(Sweep sweep, int team, CancellationToken cancellationToken)
    {
        var members = await db.Set<SweepTeam>().AsNoTracking().Where(t => t.SweepId == sweep.Id && t.No == team).Select(t => t.Members).ToListAsync(cancellationToken);
        if (members.Count == 0)
        {
            return null;
        }

        var entrances = await db.Set<SweepEntrance>().AsNoTracking().Where(e => e.SweepId == sweep.Id && e.Team == team).OrderBy(e => e.Order).ToListAsync(cancellationToken);
        var buildingIds = entrances.Select(e => e.BuildingId).Distinct().ToList();
        var buildings = await db.Buildings.AsNoTracking().Where(b => buildingIds.Contains(b.Id))
            .Join(db.Compounds, b => b.CompoundId, c => c.Id, (b, c) => new { b.Id, Name = c.Name + " " + b.Number, b.HasElevator, b.Floors })
            .ToDictionaryAsync(b => b.Id, cancellationToken);
        var flats = await db.Flats.AsNoTracking().Where(f => buildingIds.Contains(f.BuildingId))
            .Select(f => new { f.Id, f.BuildingId, f.Entrance, f.Floor, f.Room, f.IsVacant }).ToListAsync(cancellationToken);
        var residents = (await db.Residents.AsNoTracking()
                .Where(r => buildingIds.Contains(r.BuildingId) && (r.Status == ResidenceStatus.Resident || r.Status == ResidenceStatus.Tenant))
                .Select(r => new { r.Id, r.FlatId, r.Name, r.Phone, r.BirthDate, r.Tags }).ToListAsync(cancellationToken))
            .ToLookup(r => r.FlatId);
        var today = time.Today;
        var ages = caller.SeesBirthDate();
        var packet = new List<PacketEntrance>();
        foreach (var e in entrances)
        {
            var b = buildings[e.BuildingId];
            var mine = flats.Where(f => f.BuildingId == e.BuildingId && f.Entrance == e.Entrance)
                .OrderByDescending(f => f.Floor).ThenBy(f => f.Room, StringComparer.Ordinal)
                .Select(f => new PacketFlat(f.Id, f.Floor, f.Room, f.IsVacant, [.. residents[f.Id].OrderByDescending(r => r.Tags != 0).ThenBy(r => r.Name, StringComparer.Ordinal)
                    .Select(r => new PacketResident(r.Id, r.Name, caller.Phone(r.Phone), ages && r.BirthDate is { } birth ? Ages.Of(birth, today) : null,
                        [.. NeedTags.Split(r.Tags).Select(t => NeedTags.Key(t))]))]))
                .ToList();
            packet.Add(new PacketEntrance(e.BuildingId, b.Name, e.Entrance, b.HasElevator, b.Floors, mine));
        }

        var flatCount = packet.Sum(p => p.Flats.Count);
        var people = packet.Sum(p => p.Flats.Sum(f => f.Residents.Count));
        var climbed = packet.Where(p => !p.HasLift).Sum(p => p.Flats.Select(f => f.Floor).DefaultIfEmpty(1).Max() - 1);
        var slots = flats.Where(f => entrances.Any(e => e.BuildingId == f.BuildingId && e.Entrance == f.Entrance))
            .Select(f => new SweepRounds.FlatSlot(f.Id, team, f.BuildingId, f.Entrance, f.Floor, f.Room)).ToList();
        var carried = (await rounds.CarryOverAsync(sweep, slots, cancellationToken))
            .OrderBy(c => entrances.FindIndex(e => e.BuildingId == c.Flat.BuildingId && e.Entrance == c.Flat.Entrance)).ThenByDescending(c => c.Flat.Floor)
            .Select(c => new CarryOver(c.Flat.FlatId, c.Reason, c.Round, c.Flat.BuildingId, buildings[c.Flat.BuildingId].Name, c.Flat.Entrance, c.Flat.Floor, c.Flat.Room))
            .ToList();
        await db.AuditReadAsync("sweep-packet", new { sweep = sweep.Id, team }, people, cancellationToken);
        return new Packet(team, members[0], sweep.Scope, sweep.Round, sweep.Label, packet, carried, flatCount, people, climbed);
    }

    private sealed record PlannedEntrance(Guid NeighborhoodId, Guid CompoundId, EntranceLoad Load);

    /// <summary>The scope's stairwells in walking order (compound, building, entrance) with their flats' loads: three queries.</summary>
    private async Task<List<PlannedEntrance>> EntrancesAsync(List<Guid> buildingIds, CancellationToken cancellationToken)
    {
        var buildings = await db.Buildings.AsNoTracking().Where(b => buildingIds.Contains(b.Id))
            .Join(db.Compounds, b => b.CompoundId, c => c.Id, (b, c) => new { b.Id, b.NeighborhoodId, b.CompoundId, Compound = c.Name, b.SortKey, b.Number, b.HasElevator })
            .ToListAsync(cancellationToken);
        var flats = await db.Flats.AsNoTracking().Where(f => buildingIds.Contains(f.BuildingId)).Select(f => new { f.Id, f.BuildingId, f.Entrance, f.Floor }).ToListAsync(cancellationToken);
        var people = (await db.Residents.AsNoTracking()
                .Where(r => buildingIds.Contains(r.BuildingId) && (r.Status == ResidenceStatus.Resident || r.Status == ResidenceStatus.Tenant))
                .GroupBy(r => r.FlatId).Select(g => new { g.Key, Count = g.Count(), Special = g.Count(r => r.Tags != 0) }).ToListAsync(cancellationToken))
            .ToDictionary(x => x.Key);
        var byEntrance = flats.ToLookup(f => (f.BuildingId, f.Entrance));
        return [.. buildings.OrderBy(b => b.Compound, StringComparer.Ordinal).ThenBy(b => b.SortKey).ThenBy(b => b.Number, StringComparer.Ordinal)
            .SelectMany(b => byEntrance.Where(g => g.Key.BuildingId == b.Id).OrderBy(g => g.Key.Entrance)
                .Select(g => new PlannedEntrance(b.NeighborhoodId, b.CompoundId, new EntranceLoad(b.Id, g.Key.Entrance, b.HasElevator,
                    [.. g.Select(f => people.TryGetValue(f.Id, out var p) ? new FlatLoad(f.Floor, p.Count, p.Special) : new FlatLoad(f.Floor, 0, 0))]))))];
    }
}
