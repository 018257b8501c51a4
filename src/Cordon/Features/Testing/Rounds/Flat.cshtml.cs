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

    public async Task<IActionResult> OnPostExemptAsync(Guid id, Guid flatId, Guid residentId, ExemptionKind? kind, string? note, CancellationToken cancellationToken)
    {
        if (!caller.Can(Permission.ManageTesting))
        {
            return Forbid();
        }

        if (!await LoadAsync(id, flatId, cancellationToken) || People.All(p => p.ResidentId != residentId))
        {
            return NotFound();
        }

        note = note?.Trim() ?? "";
        if (kind is null || (kind == ExemptionKind.Other && note.Length < 2) || note.Length > 200)
        {
            Error = catalog.Message(TestingErrors.ExemptionReasonMissing);
            return Page();
        }

        db.Exemptions.Add(new Exemption
        {
            SubdistrictId = Round.SubdistrictId,
            RoundId = id,
            ResidentId = residentId,
            Kind = kind.Value,
            Note = note,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            CreatedBy = caller.UserName,
        });
        await db.SaveChangesAsync(cancellationToken);
        return Redirect($"/Testing/Rounds/{id}/Flats/{flatId}");
    }

    public async Task<IActionResult> OnPostUnexemptAsync(Guid id, Guid flatId, Guid residentId, CancellationToken cancellationToken)
    {
        if (!caller.Can(Permission.ManageTesting))
        {
            return Forbid();
        }

        if (!await LoadAsync(id, flatId, cancellationToken) || !Exemptions.ContainsKey(residentId))
        {
            return NotFound();
        }

        db.Exemptions.Remove(await db.Exemptions.SingleAsync(e => e.RoundId == id && e.ResidentId == residentId, cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
        return Redirect($"/Testing/Rounds/{id}/Flats/{flatId}");
    }

    private async Task<bool> LoadAsync(Guid id, Guid flatId, CancellationToken cancellationToken)
    {
        var round = await db.TestingRounds.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
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
