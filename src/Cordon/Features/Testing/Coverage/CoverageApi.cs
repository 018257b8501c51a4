using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>"Not one missing" for machines: a round's coverage and its recall list, within the caller's jurisdiction, each read audited.</summary>
public static class CoverageApi
{
    public static IEndpointRouteBuilder MapCoverageApi(this IEndpointRouteBuilder app)
    {
        var rounds = app.MapApi("/testing/rounds").RequireAuthorization(RolePermissions.PolicyName(Permission.ViewResidents));
        rounds.MapGet("/{id:guid}/coverage", RoundCoverage);
        rounds.MapGet("/{id:guid}/recall", Recall);
        rounds.MapPost("/{id:guid}/knocks", Knock);
        return app;
    }

    public sealed record MissingItem(Guid ResidentId, string Name, string Address, string Compound, string? Phone);

    public sealed record CoverageResponse(int Expected, int Sampled, int Exempt, int MissingCount, int Visitors, IReadOnlyList<MissingItem> Missing);

    public sealed record RecallItem(Guid ResidentId, string Name, string Address, string TubeCode, string? Phone, bool Retested, string? RetestResult);

    public static async Task<Results<Ok<CoverageResponse>, NotFound>> RoundCoverage(
        Guid id, Guid? compoundId, Guid? buildingId, CordonDb db, Caller caller, CancellationToken cancellationToken)
    {
        if (await RoundsApi.FindAsync(db, caller, id, run: false, tracked: false, cancellationToken) is not { } round)
        {
            return TypedResults.NotFound();
        }

        var scope = await Roster.ScopeAsync(db, round, cancellationToken);
        var (counts, missing) = await Coverage.ReportAsync(db, scope, compoundId, buildingId, cancellationToken);
        await db.AuditReadAsync("coverage-missing", new { roundId = id, compoundId, buildingId }, missing.Count, cancellationToken);
        return TypedResults.Ok(new CoverageResponse(counts.Expected, counts.Sampled, counts.Exempt, counts.Missing, counts.Visitors,
            [.. missing.Select(m => new MissingItem(m.ResidentId, m.Name, m.Address, m.Compound, caller.Phone(m.Phone)))]));
    }

    public static async Task<Results<Ok<List<RecallItem>>, NotFound>> Recall(Guid id, CordonDb db, Caller caller, CancellationToken cancellationToken)
    {
        if (await RoundsApi.FindAsync(db, caller, id, run: false, tracked: false, cancellationToken) is null)
        {
            return TypedResults.NotFound();
        }

        var list = await RecallListAsync(db, caller, id, cancellationToken);
        await db.AuditReadAsync("recall-list", new { roundId = id }, list.Count, cancellationToken);
        return TypedResults.Ok(list);
    }

    /// <summary>A volunteer's finding at a door (201, or 200 with the first answer for a retry of the same id).</summary>
    public static async Task<Results<Created<KnockView>, Ok<KnockView>, NotFound, ProblemHttpResult>> Knock(
        Guid id, KnockCommand body, CordonDb db, Caller caller, Catalog catalog, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await RoundsApi.FindAsync(db, caller, id, run: false, tracked: false, cancellationToken) is not { } round)
        {
            return TypedResults.NotFound();
        }

        var (knock, created, error) = await Knocks.RecordAsync(db, caller, round, body, clock.GetUtcNow().UtcDateTime, cancellationToken);
        if (error is not null)
        {
            return catalog.Problem(error);
        }

        if (!created)
        {
            return TypedResults.Ok(knock!);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception e) when (DbErrors.IsUniqueViolation(e))
        {
            // The same knock sent twice at once: the other request stored it; answer as a retry.
            db.ChangeTracker.Clear();
            return TypedResults.Ok(knock!);
        }

        return TypedResults.Created($"/api/v1/testing/rounds/{id}/knocks/{knock!.Id}", knock);
    }

    /// <summary>The members of the round's positive pools the caller may see (jurisdiction filters), with their retest.</summary>
    public static async Task<List<RecallItem>> RecallListAsync(CordonDb db, Caller caller, Guid roundId, CancellationToken cancellationToken)
    {
        var recallRound = await db.TestingRounds.Where(r => r.RecallOf == roundId).Select(r => (Guid?)r.Id).FirstOrDefaultAsync(cancellationToken);
        var members = await Recalls.Members(db, roundId)
            .Join(db.Residents, m => m.ResidentId, r => r.Id, (m, r) => new { m.TubeCode, r.Id, r.Name, r.Phone, r.FlatId })
            .Join(db.Flats, x => x.FlatId, f => f.Id, (x, f) => new { x, f })
            .Join(db.Buildings, y => y.f.BuildingId, b => b.Id, (y, b) => new
            {
                y.x.Id,
                y.x.Name,
                y.x.Phone,
                y.x.TubeCode,
                Address = Address.Format(b.Number, y.f.Entrance, y.f.Room, b.Entrances),
                Retest = db.Set<SampleRecord>().Where(s => s.RoundId == recallRound && s.ResidentId == y.x.Id)
                    .Join(db.Set<Tube>(), s => s.TubeId, t => t.Id, (s, t) => (TubeResult?)t.Result).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return [.. members.OrderBy(m => m.TubeCode).ThenBy(m => m.Address, StringComparer.Ordinal)
            .Select(m => new RecallItem(m.Id, m.Name, m.Address, m.TubeCode, caller.Phone(m.Phone), m.Retest is not null, m.Retest?.ToString()))];
    }
}
