using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>
/// The sampler's screen: phone-first, one hand. A scanner (keyboard wedge), the camera or the keyboard
/// fills one field; the page tells tube codes from sampling codes and ID numbers and registers at once.
/// </summary>
[Authorize(Policy = "perm:" + nameof(Permission.Sample))]
public sealed class SampleModel(CordonDb db) : PageModel
{
    public List<TestingRound> Rounds { get; private set; } = [];

    public Dictionary<Guid, List<SamplingPoint>> Points { get; private set; } = [];

    public Guid? Selected { get; private set; }

    public async Task OnGetAsync(Guid? round, CancellationToken cancellationToken)
    {
        Rounds = await db.TestingRounds.AsNoTracking().Where(r => r.Status == RoundStatus.Open).OrderByDescending(r => r.StartsAt).ToListAsync(cancellationToken);
        var ids = Rounds.Select(r => r.Id).ToList();
        Points = (await db.SamplingPoints.AsNoTracking().Where(p => ids.Contains(p.RoundId)).OrderBy(p => p.Name).ToListAsync(cancellationToken))
            .GroupBy(p => p.RoundId).ToDictionary(g => g.Key, g => g.ToList());
        Selected = round is { } r && ids.Contains(r) ? r : Rounds.FirstOrDefault()?.Id;
    }
}
