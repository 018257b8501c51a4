using Cordon.Platform.Audit;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Time;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Cordon.Features.Testing.Rounds;

/// <summary>
/// A round's sampling points with their samplers, and the slot plan: which building comes down when,
/// to which point, recomputed on every view from who is still missing and how fast each point samples.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.ManageTesting))]
public sealed class PlanModel(CordonDb db, Caller caller, LocalTime time, TimeProvider clock, IStringLocalizer<PlanModel> text) : PageModel
{
    /// <summary>The roles whose accounts may stand at a point.</summary>
    public static readonly string[] SamplerRoles = [Roles.Sampler, Roles.Staff, Roles.Commander];

    public sealed record Person(string Id, string Name, string UserName);

    public RoundPlan Plan { get; private set; } = null!;

    public TestingRound Round => Plan.Round;

    /// <summary>Accounts that may be sent to a point: samplers, staff and commanders of the sub-district.</summary>
    public List<Person> Candidates { get; private set; } = [];

    public Dictionary<Guid, List<Person>> Samplers { get; private set; } = [];

    /// <summary>True when the timetable runs over more than one local day, so times carry their date.</summary>
    public bool ShowDates { get; private set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public List<string> SelectedSamplers { get; set; } = [];

    /// <summary>The compound the new point stands in (its buildings are sent there first), or none for a point that serves any.</summary>
    [BindProperty]
    public Guid? CompoundId { get; set; }

    /// <summary>The round's compounds, for placing a point.</summary>
    public List<(Guid Id, string Name)> Compounds { get; private set; } = [];

    public string? Saved { get; private set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Saved = TempData["plan.saved"] as string;
        return Page();
    }

    public async Task<IActionResult> OnPostAddAsync(Guid id, CancellationToken cancellationToken)
    {
        var round = await RoundsApi.FindAsync(db, caller, id, run: true, tracked: false, cancellationToken);
        if (round is null)
        {
            return NotFound();
        }

        var name = Name?.Trim() ?? "";
        var candidates = await CandidatesAsync(cancellationToken);
        var chosen = SelectedSamplers.Distinct().ToList();
        if (round.Status == RoundStatus.Closed)
        {
            ModelState.AddModelError(string.Empty, text["plan.error.closed"]);
        }

        if (name.Length is 0 or > 64)
        {
            ModelState.AddModelError(nameof(Name), text["plan.error.name"]);
        }
        else if (await db.SamplingPoints.AnyAsync(p => p.RoundId == id && p.Name == name, cancellationToken))
        {
            ModelState.AddModelError(nameof(Name), text["plan.error.name-taken"]);
        }

        if (chosen.Any(s => candidates.All(c => c.Id != s)))
        {
            ModelState.AddModelError(nameof(SelectedSamplers), text["plan.error.sampler"]);
        }

        if (CompoundId is { } compound && (await CompoundsAsync(round, cancellationToken)).All(c => c.Id != compound))
        {
            ModelState.AddModelError(nameof(CompoundId), text["plan.error.compound"]);
        }

        if (!ModelState.IsValid)
        {
            await LoadAsync(id, cancellationToken);
            return Page();
        }

        // The point's creation, then its samplers: two audit lines in that order, one transaction.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var point = new SamplingPoint { SubdistrictId = round.SubdistrictId, RoundId = id, Name = name, CompoundId = CompoundId, CreatedAt = clock.GetUtcNow().UtcDateTime };
        db.SamplingPoints.Add(point);
        await db.SaveChangesAsync(cancellationToken);
        if (chosen.Count > 0)
        {
            db.PointSamplers.AddRange(chosen.Select(s => new PointSampler { SubdistrictId = round.SubdistrictId, PointId = point.Id, UserId = s }));
            AuditSamplers(point.Id, null, Describe(chosen, candidates));
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        TempData["plan.saved"] = text["plan.added", name].Value;
        return Redirect($"/Testing/Rounds/{id}/Plan");
    }

    public async Task<IActionResult> OnPostSamplersAsync(Guid id, Guid pointId, List<string> samplerIds, CancellationToken cancellationToken)
    {
        var (round, point) = await FindAsync(id, pointId, cancellationToken);
        if (round is null || point is null)
        {
            return NotFound();
        }

        if (round.Status == RoundStatus.Closed)
        {
            return await RefuseAsync(id, text["plan.error.closed"], cancellationToken);
        }

        var candidates = await CandidatesAsync(cancellationToken);
        var existing = await db.PointSamplers.Where(s => s.PointId == pointId).ToListAsync(cancellationToken);
        var chosen = samplerIds.Distinct().ToList();

        // Someone already at the point stays choosable even if their account has since changed.
        if (chosen.Any(s => candidates.All(c => c.Id != s) && existing.All(e => e.UserId != s)))
        {
            return await RefuseAsync(id, text["plan.error.sampler"], cancellationToken);
        }

        var names = await NamesAsync([.. existing.Select(e => e.UserId).Union(chosen)], cancellationToken);
        var before = Describe(existing.Select(e => e.UserId), names);
        var after = Describe(chosen, names);
        if (before != after)
        {
            db.PointSamplers.RemoveRange(existing.Where(e => !chosen.Contains(e.UserId)));
            db.PointSamplers.AddRange(chosen.Where(c => existing.All(e => e.UserId != c))
                .Select(c => new PointSampler { SubdistrictId = point.SubdistrictId, PointId = point.Id, UserId = c }));
            AuditSamplers(point.Id, before, after);
            await db.SaveChangesAsync(cancellationToken);
        }

        TempData["plan.saved"] = text["plan.samplers-saved", point.Name].Value;
        return Redirect($"/Testing/Rounds/{id}/Plan");
    }

    public async Task<IActionResult> OnPostRemoveAsync(Guid id, Guid pointId, CancellationToken cancellationToken)
    {
        var (round, point) = await FindAsync(id, pointId, cancellationToken);
        if (round is null || point is null)
        {
            return NotFound();
        }

        if (round.Status == RoundStatus.Closed)
        {
            return await RefuseAsync(id, text["plan.error.closed"], cancellationToken);
        }

        if (await db.SampleRecords.AnyAsync(s => s.PointId == pointId, cancellationToken) || await db.Tubes.AnyAsync(t => t.PointId == pointId, cancellationToken))
        {
            return await RefuseAsync(id, text["plan.error.in-use", point.Name], cancellationToken);
        }

        var samplers = await db.PointSamplers.Where(s => s.PointId == pointId).ToListAsync(cancellationToken);
        if (samplers.Count > 0)
        {
            var names = await NamesAsync([.. samplers.Select(s => s.UserId)], cancellationToken);
            AuditSamplers(point.Id, Describe(samplers.Select(s => s.UserId), names), null);
        }

        db.PointSamplers.RemoveRange(samplers);
        db.SamplingPoints.Remove(point);
        await db.SaveChangesAsync(cancellationToken);
        TempData["plan.saved"] = text["plan.removed", point.Name].Value;
        return Redirect($"/Testing/Rounds/{id}/Plan");
    }

    /// <summary>A slot's times in the zone: <c>14:05–14:30</c>, with the date when the plan spans days.</summary>
    public string Window(DateTime start, DateTime end)
    {
        var from = time.ToLocal(start);
        var to = time.ToLocal(end);
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        return ShowDates
            ? $"{from.ToString("MM-dd HH:mm", culture)}–{to.ToString(to.Date == from.Date ? "HH:mm" : "MM-dd HH:mm", culture)}"
            : $"{from.ToString("HH:mm", culture)}–{to.ToString("HH:mm", culture)}";
    }

    public string At(DateTime instant) =>
        time.ToLocal(instant).ToString(ShowDates ? "MM-dd HH:mm" : "HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<bool> LoadAsync(Guid id, CancellationToken cancellationToken)
    {
        var round = await RoundsApi.FindAsync(db, caller, id, run: false, tracked: false, cancellationToken);
        if (round is null)
        {
            return false;
        }

        Plan = await SlotPlan.ForRoundAsync(db, round, clock.GetUtcNow().UtcDateTime, cancellationToken);
        Candidates = await CandidatesAsync(cancellationToken);
        Compounds = await CompoundsAsync(round, cancellationToken);
        var pointIds = Plan.Points.Select(p => p.Id).ToList();
        var assigned = await db.PointSamplers.AsNoTracking().Where(s => pointIds.Contains(s.PointId))
            .Select(s => new { s.PointId, s.UserId }).ToListAsync(cancellationToken);
        var names = await NamesAsync([.. assigned.Select(a => a.UserId).Distinct()], cancellationToken);
        Samplers = Plan.Points.ToDictionary(
            p => p.Id,
            p => assigned.Where(a => a.PointId == p.Id).Select(a => names.GetValueOrDefault(a.UserId) ?? new Person(a.UserId, a.UserId, a.UserId))
                .OrderBy(s => s.Name, StringComparer.Ordinal).ToList());
        var today = time.Now.Date;
        var timetable = Plan.Timetable;
        ShowDates = timetable.Slots.Count > 0
            && (time.ToLocal(timetable.StartsAt).Date != today || time.ToLocal(timetable.FinishesAt).Date != today);
        return true;
    }

    private async Task<(TestingRound? Round, SamplingPoint? Point)> FindAsync(Guid id, Guid pointId, CancellationToken cancellationToken)
    {
        var round = await RoundsApi.FindAsync(db, caller, id, run: true, tracked: false, cancellationToken);
        var point = round is null ? null : await db.SamplingPoints.SingleOrDefaultAsync(p => p.Id == pointId && p.RoundId == id, cancellationToken);
        return (round, point);
    }

    private async Task<IActionResult> RefuseAsync(Guid id, string message, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await LoadAsync(id, cancellationToken);
        Error = message;
        return Page();
    }

    /// <summary>The compounds of the round's scope the caller sees (a neighborhood in scope brings all of its compounds).</summary>
    private async Task<List<(Guid Id, string Name)>> CompoundsAsync(TestingRound round, CancellationToken cancellationToken)
    {
        var scope = await Testing.Roster.ScopeAsync(db, round, cancellationToken);
        return [.. (await db.Compounds.AsNoTracking()
                .Where(c => scope.Compounds.Contains(c.Id) || scope.Neighborhoods.Contains(c.NeighborhoodId) || db.Buildings.Any(b => b.CompoundId == c.Id && scope.Buildings.Contains(b.Id)))
                .OrderBy(c => c.Name).Select(c => new { c.Id, c.Name }).ToListAsync(cancellationToken))
            .Select(c => (c.Id, c.Name))];
    }

    /// <summary>Active accounts of the caller's sub-district with a role that samples or runs sampling.</summary>
    private async Task<List<Person>> CandidatesAsync(CancellationToken cancellationToken)
    {
        var roles = SamplerRoles;
        var users = await db.Users.AsNoTracking()
            .Where(u => u.SubdistrictId == caller.SubdistrictId && u.IsActive)
            .Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && db.Roles.Any(r => r.Id == ur.RoleId && roles.Contains(r.Name!))))
            .OrderBy(u => u.DisplayName).ThenBy(u => u.UserName)
            .Select(u => new { u.Id, u.DisplayName, u.UserName })
            .ToListAsync(cancellationToken);
        return [.. users.Select(u => new Person(u.Id, u.DisplayName.Length > 0 ? u.DisplayName : u.UserName ?? u.Id, u.UserName ?? ""))];
    }

    /// <summary>Names of the given accounts, of the caller's sub-district only.</summary>
    private async Task<Dictionary<string, Person>> NamesAsync(List<string> ids, CancellationToken cancellationToken)
    {
        var users = await db.Users.AsNoTracking()
            .Where(u => u.SubdistrictId == caller.SubdistrictId && ids.Contains(u.Id))
            .Select(u => new { u.Id, u.DisplayName, u.UserName })
            .ToListAsync(cancellationToken);
        return users.ToDictionary(u => u.Id, u => new Person(u.Id, u.DisplayName.Length > 0 ? u.DisplayName : u.UserName ?? u.Id, u.UserName ?? ""));
    }

    private static string Describe(IEnumerable<string> ids, IEnumerable<Person> people) =>
        Describe(ids, people.ToDictionary(p => p.Id));

    /// <summary>"username,username" in order: what the audit line keeps of a point's samplers.</summary>
    private static string Describe(IEnumerable<string> ids, Dictionary<string, Person> names) =>
        string.Join(",", ids.Select(i => names.TryGetValue(i, out var p) && p.UserName.Length > 0 ? p.UserName : i).Order(StringComparer.Ordinal));

    private void AuditSamplers(Guid pointId, string? before, string? after) =>
        db.Audit(AuditAction.Update, nameof(SamplingPoint), pointId.ToString(), details: new Dictionary<string, string?[]> { ["Samplers"] = [before, after] });
}
