using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Files;
using Cordon.Platform.Localization;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>
/// Lab results for a lab's system or the command office (<see cref="Permission.ReportResults"/>), and the commander's
/// decision on corrections away from positive (<see cref="Permission.Command"/>).
/// </summary>
public static class LabApi
{
    public static IEndpointRouteBuilder MapLabApi(this IEndpointRouteBuilder app)
    {
        var lab = app.MapApi("/lab").RequireAuthorization(RolePermissions.PolicyName(Permission.ReportResults));
        lab.MapPost("/results", Results);
        lab.MapPost("/results/file", ResultsFile);
        lab.MapGet("/corrections", Corrections);

        var command = app.MapApi("/lab/corrections").RequireAuthorization(RolePermissions.PolicyName(Permission.Command));
        command.MapPost("/{id:guid}/confirm", (Guid id, CordonDb db, Caller caller, SamplingCache cache, Catalog catalog, TimeProvider clock, CancellationToken ct) =>
            DecideAsync(id, true, db, caller, cache, catalog, clock, ct));
        command.MapPost("/{id:guid}/reject", (Guid id, CordonDb db, Caller caller, SamplingCache cache, Catalog catalog, TimeProvider clock, CancellationToken ct) =>
            DecideAsync(id, false, db, caller, cache, catalog, clock, ct));
        return app;
    }

    public sealed record CorrectionView(Guid Id, string TubeCode, Guid RoundId, TubeResult From, TubeResult To, string Reason, string RequestedBy, DateTime RequestedAt, CorrectionStatus Status);

    public static async Task<Results<Ok<LabReport>, ProblemHttpResult>> Results(
        List<LabResultItem?>? body, CordonDb db, Caller caller, SamplingCache cache, Catalog catalog, LocalTime localTime, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return catalog.Problem(HttpErrors.BodyInvalid, "$", 1, 1);
        }

        if (body.Count > SpreadsheetReader.MaxRows)
        {
            return catalog.Problem(TestingErrors.BatchTooLarge, SpreadsheetReader.MaxRows);
        }

        return TypedResults.Ok(await LabResults.ApplyAndSaveAsync(db, caller, cache, catalog, localTime, body, clock.GetUtcNow().UtcDateTime, cancellationToken));
    }

    public static async Task<Results<Ok<LabReport>, ProblemHttpResult>> ResultsFile(
        HttpRequest request, CordonDb db, Caller caller, SamplingCache cache, Catalog catalog, LocalTime localTime, TimeProvider clock, CancellationToken cancellationToken)
    {
        var form = request.HasFormContentType ? await request.ReadFormAsync(cancellationToken) : null;
        if (form?.Files.GetFile("file") is not { Length: > 0 } file)
        {
            return catalog.Problem(FileErrors.FileMissing);
        }

        try
        {
            await using var stream = file.OpenReadStream();
            var items = LabResults.Read(stream, file.FileName);
            return TypedResults.Ok(await LabResults.ApplyAndSaveAsync(db, caller, cache, catalog, localTime, items, clock.GetUtcNow().UtcDateTime, cancellationToken));
        }
        catch (SpreadsheetException e)
        {
            return catalog.Problem(e.Error, e.Args);
        }
    }

    /// <summary>Corrections, the ones waiting for a commander first.</summary>
    public static async Task<Ok<List<CorrectionView>>> Corrections(CordonDb db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.TubeCorrections.AsNoTracking()
            .OrderBy(c => c.Status == CorrectionStatus.Pending ? 0 : 1).ThenByDescending(c => c.RequestedAt).Take(200)
            .Select(c => new CorrectionView(c.Id, c.TubeCode, c.RoundId, c.From, c.To, c.Reason, c.RequestedBy, c.RequestedAt, c.Status))
            .ToListAsync(cancellationToken));

    /// <summary>A commander confirms (the tube takes the new result, its people leave the recall) or keeps the earlier result.</summary>
    public static async Task<Results<Ok<CorrectionView>, NotFound, ProblemHttpResult>> DecideAsync(
        Guid id, bool confirm, CordonDb db, Caller caller, SamplingCache cache, Catalog catalog, TimeProvider clock, CancellationToken cancellationToken)
    {
        var correction = await db.TubeCorrections.SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        var tube = correction is null ? null : await db.Tubes.SingleOrDefaultAsync(t => t.Id == correction.TubeId, cancellationToken);
        if (correction is null || tube is null)
        {
            return TypedResults.NotFound();
        }

        var before = tube.Result;
        if (correction.Decide(tube, confirm, caller.UserName, clock.GetUtcNow().UtcDateTime) is { } error)
        {
            return catalog.Problem(error);
        }

        if (confirm)
        {
            db.Audit(Platform.Audit.AuditAction.Update, nameof(Tube), tube.Id.ToString(), correction.Reason, new Dictionary<string, string?[]>
            {
                ["Tube"] = [null, tube.Code],
                ["Result"] = [before.ToString(), tube.Result.ToString()],
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        cache.Invalidate(tube.SubdistrictId);
        return TypedResults.Ok(new CorrectionView(correction.Id, correction.TubeCode, correction.RoundId, correction.From, correction.To, correction.Reason,
            correction.RequestedBy, correction.RequestedAt, correction.Status));
    }
}
