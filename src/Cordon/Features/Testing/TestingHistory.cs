using Cordon.Platform.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

public sealed record TestingHistoryRow(string Round, Guid RoundId, DateTime TakenAt, Guid TubeId, string TubeCode, int Position, int Capacity, TubeResult Result, string Sampler)
{
    /// <summary>Changes of this tube's result after it was first reported: from, to, why, and whether a commander confirmed it.</summary>
    public IReadOnlyList<TubeCorrection> Corrections { get; init; } = [];
}

/// <summary>A resident's tests on their page: rounds, tubes, results, and whether they are a positive case.</summary>
public sealed class TestingHistoryViewComponent(CordonDb db) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Guid residentId)
    {
        var rows = await db.SampleRecords.AsNoTracking().Where(s => s.ResidentId == residentId)
            .Join(db.Tubes, s => s.TubeId, t => t.Id, (s, t) => new { s, t })
            .Join(db.TestingRounds, x => x.s.RoundId, r => r.Id, (x, r) => new { x.s, x.t, r })
            .OrderByDescending(x => x.s.TakenAt)
            .Take(100)
            .Select(x => new TestingHistoryRow(x.r.Name, x.r.Id, x.s.TakenAt, x.t.Id, x.t.Code, x.s.Position, x.t.Capacity, x.t.Result, x.s.SamplerName))
            .ToListAsync();
        var tubes = rows.Select(r => r.TubeId).ToList();
        var corrections = (await db.TubeCorrections.AsNoTracking().Where(c => tubes.Contains(c.TubeId)).OrderBy(c => c.RequestedAt).ToListAsync()).ToLookup(c => c.TubeId);
        rows = [.. rows.Select(r => r with { Corrections = [.. corrections[r.TubeId]] })];
        ViewData["Positive"] = await db.PositiveCases.AnyAsync(c => c.ResidentId == residentId);
        return View("/Features/Testing/_TestingHistory.cshtml", rows);
    }
}
