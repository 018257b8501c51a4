using Cordon.Platform.Auth;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cordon.Features.Sweeps.Pages;

/// <summary>A sweep's plan: each team's effort against the others, its entrances, moving one by hand, and the packets to print.</summary>
[Authorize(Policy = "perm:" + nameof(Permission.RunLockdowns))]
public sealed class DetailsModel(SweepDesk desk, SweepRounds rounds, Catalog catalog) : PageModel
{
    public SweepView View { get; private set; } = null!;

    public SweepProgress Progress { get; private set; } = null!;

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken) =>
        await desk.FindAsync(id, cancellationToken) is { } sweep ? await ShowAsync(sweep, null, cancellationToken) : NotFound();

    public async Task<IActionResult> OnPostMoveAsync(Guid id, string? entrance, int team, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } sweep)
        {
            return NotFound();
        }

        var parts = (entrance ?? "").Split(':');
        var error = parts.Length == 2 && Guid.TryParse(parts[0], out var building) && int.TryParse(parts[1], out var number)
            ? await desk.MoveAsync(sweep, [new EntranceMove(building, number, team)], cancellationToken)
            : SweepErrors.MoveInvalid;
        return error is null ? Redirect($"/Sweeps/Details?id={id}") : await ShowAsync(sweep, error, cancellationToken);
    }

    public async Task<IActionResult> OnPostMembersAsync(Guid id, int team, string? members, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } sweep)
        {
            return NotFound();
        }

        var error = await desk.NameAsync(sweep, [new TeamMembers(team, members)], cancellationToken);
        return error is null ? Redirect($"/Sweeps/Details?id={id}#team-{team}") : await ShowAsync(sweep, error, cancellationToken);
    }

    private async Task<IActionResult> ShowAsync(Sweep sweep, Error? error, CancellationToken cancellationToken)
    {
        View = await desk.ViewAsync(sweep, cancellationToken);
        Progress = await rounds.ProgressAsync(sweep, cancellationToken);
        Error = error is null ? null : catalog.Message(error);
        if (error is not null)
        {
            Response.StatusCode = error.Status;
        }

        return Page();
    }
}
