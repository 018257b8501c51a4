using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Places;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing.Rounds;

/// <summary>One flat in a round: who is sampled, who is missing; exempt a person with a reason.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.ViewResidents))]
public sealed class FlatModel(CordonDb db, Caller caller, Catalog catalog, TimeProvider clock) : PageModel
{
    public TestingRound Round { get; private set; } = null!;

    public string Address { get; private set; } = "";

    public Guid BuildingId { get; private set; }

    public List<(Guid ResidentId, string Name, PersonState State, DateTime? TakenAt, string? Tube)> People { get; private set; } = [];

    public Dictionary<Guid, Exemption> Exemptions { get; private set; } = [];

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, Guid flatId, CancellationToken cancellationToken) =>
        await LoadAsync(id, flatId, cancellationToken) ? Page() : NotFound();

    [Requires(Permission.ManageTesting)]
    public async Task<IActionResult> OnPostExemptAsync(Guid id, Guid flatId, Guid residentId, ExemptionKind? kind, string? note, string? back, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, flatId, cancellationToken) || People.All(p => p.ResidentId != residentId) || !await RoundAccess.RunsAsync(db, caller, Round, cancellationToken))
        {
            return NotFound();
        }

        if (await Testing.Exemptions.SetAsync(db, caller, Round, residentId, kind, note, clock.GetUtcNow().UtcDateTime, cancellationToken) is { } error)
        {
            Error = catalog.Message(error);
            return Page();
        }

        await db.SaveChangesAsync(cancellationToken);
        return Redirect(Back(id, flatId, back));
    }

    [Requires(Permission.ManageTesting)]
    public async Task<IActionResult> OnPostUnexemptAsync(Guid id, Guid flatId, Guid residentId, string? back, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, flatId, cancellationToken) || !await RoundAccess.RunsAsync(db, caller, Round, cancellationToken)
            || !await Testing.Exemptions.RemoveAsync(db, id, residentId, cancellationToken))
        {
            return NotFound();
        }

        await db.SaveChangesAsync(cancellationToken);
        return Redirect(Back(id, flatId, back));
    }

    /// <summary>Back to the list the exemption was made from (the door-knock list), else to the flat.</summary>
    private static string Back(Guid id, Guid flatId, string? back) =>
        back is { } path && path.StartsWith($"/Testing/Rounds/{id}/", StringComparison.Ordinal) && !path.Contains("//", StringComparison.Ordinal) && !path.Contains('\\', StringComparison.Ordinal)
            ? path
            : $"/Testing/Rounds/{id}/Flats/{flatId}";

    private async Task<bool> LoadAsync(Guid id, Guid flatId, CancellationToken cancellationToken)
    {
        var round = await RoundsApi.FindAsync(db, caller, id, run: false, tracked: false, cancellationToken);
        var flat = await db.Flats.AsNoTracking().Where(f => f.Id == flatId)
            .Join(db.Buildings, f => f.BuildingId, b => b.Id, (f, b) => new { f, b })
            .Join(db.Compounds, x => x.f.CompoundId, c => c.Id, (x, c) => new { x.f, x.b, Compound = c.Name })
            .SingleOrDefaultAsync(cancellationToken);
        if (round is null || flat is null)
        {
            return false;
        }

        Round = round;
        BuildingId = flat.b.Id;
        Address = $"{flat.Compound} {Platform.Places.Address.Format(flat.b.Number, flat.f.Entrance, flat.f.Room, flat.b.Entrances)}";
        var scope = await Testing.Roster.ScopeAsync(db, round, cancellationToken);
        People = await Coverage.FlatAsync(db, scope, flatId, cancellationToken);
        var ids = People.Select(p => p.ResidentId).ToList();
        Exemptions = await db.Exemptions.AsNoTracking().Where(e => e.RoundId == id && ids.Contains(e.ResidentId)).ToDictionaryAsync(e => e.ResidentId, cancellationToken);
        return true;
    }
}
