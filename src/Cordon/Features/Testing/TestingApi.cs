using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Files;
using Cordon.Platform.Localization;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>Testing for machines and the sampler's device: rounds, registration, coverage, lab results, recall.</summary>
public static class TestingApi
{
    public static IEndpointRouteBuilder MapTestingApi(this IEndpointRouteBuilder app)
    {
        var manage = RolePermissions.PolicyName(Permission.ManageTesting);
        var rounds = app.MapApi("/testing/rounds");
        rounds.MapPost("", CreateRound).RequireAuthorization(manage);
        rounds.MapGet("", ListRounds).RequireAuthorization(RolePermissions.PolicyName(Permission.Sample));
        rounds.MapGet("/{id:guid}", GetRound).RequireAuthorization(RolePermissions.PolicyName(Permission.Sample));
        rounds.MapPost("/{id:guid}/open", OpenRound).RequireAuthorization(manage);
        rounds.MapPost("/{id:guid}/close", CloseRound).RequireAuthorization(manage);
        rounds.MapGet("/{id:guid}/coverage", RoundCoverage).RequireAuthorization(RolePermissions.PolicyName(Permission.ViewResidents));
        rounds.MapGet("/{id:guid}/recall", Recall).RequireAuthorization(RolePermissions.PolicyName(Permission.ViewResidents));
        rounds.MapPost("/{id:guid}/exemptions", Exempt).RequireAuthorization(manage);
        rounds.MapDelete("/{id:guid}/exemptions/{residentId:guid}", Unexempt).RequireAuthorization(manage);
        rounds.MapPost("/{id:guid}/visitors", AddVisitor).RequireAuthorization(RolePermissions.PolicyName(Permission.Sample));
        rounds.MapGet("/{id:guid}/roster", Roster_).RequireAuthorization(RolePermissions.PolicyName(Permission.Sample));

        var sampling = app.MapApi("/sampling").RequireAuthorization(RolePermissions.PolicyName(Permission.Sample));
        sampling.MapPost("/records", Register);
        sampling.MapPost("/records:batch", RegisterBatch);
        sampling.MapPost("/tubes/{tubeCode}/seal", Seal);
        sampling.MapGet("/tubes/{tubeCode}", TubeStatus);

        // The load benchmark's ceiling C1: the same request, authenticated and parsed, touching no database.
        if (app.ServiceProvider.GetRequiredService<IConfiguration>().GetValue<bool>("Cordon:Bench:Echo"))
        {
            sampling.MapPost("/records:echo", (SampleCommand body) => TypedResults.Created($"/api/v1/sampling/records/{body.Id}", body));
        }

        var lab = app.MapApi("/lab").RequireAuthorization(manage);
        lab.MapPost("/results", Results);
        lab.MapPost("/results/file", ResultsFile);
        return app;
    }

    public sealed record RoundView(
        Guid Id, string Name, RoundStatus Status, int PoolSize, DateTime StartsAt, DateTime EndsAt, RoundRule Rule, Guid? SeriesId, Guid? RecallOf,
        IReadOnlyList<Guid> NeighborhoodIds, IReadOnlyList<Guid> CompoundIds, IReadOnlyList<Guid> BuildingIds);

    public sealed record MissingItem(Guid ResidentId, string Name, string Address, string Compound, string? Phone);

    public sealed record CoverageResponse(int Expected, int Sampled, int Exempt, int MissingCount, int Visitors, IReadOnlyList<MissingItem> Missing);

    public sealed record RecallItem(Guid ResidentId, string Name, string Address, string TubeCode, string? Phone, bool Retested, string? RetestResult);

    public sealed record ExemptionRequest(Guid ResidentId, ExemptionKind? Kind, string? Note);

    public sealed record VisitorRequest(string? Name, string? Phone, DocumentType? DocumentType, string? DocumentNumber, Guid? CompoundId, string? Reason);

    public sealed record VisitorResponse(Guid Id, string SamplingCode);

    public sealed record TubeView(string TubeCode, Guid RoundId, int Count, int Capacity, bool Sealed, TubeResult Result);

    public sealed record RosterPerson(string Code, string Name, string Address, bool Single);

    public sealed record RosterResponse(Guid RoundId, string Name, RoundStatus Status, int PoolSize, IReadOnlyList<RosterPerson> People, IReadOnlyList<string> Sampled, IReadOnlyList<TubeView> Tubes);

    /// <summary>
    /// What a sampler's device keeps for working offline: sampling code → masked name and flat, who is
    /// already sampled, the open tubes. Nothing more (no ID numbers, no phones).
    /// </summary>
    public static async Task<Results<Ok<RosterResponse>, NotFound>> Roster_(Guid id, CordonDb db, Caller caller, CancellationToken cancellationToken)
    {
        var round = await db.TestingRounds.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (round is null)
        {
            return TypedResults.NotFound();
        }

        var scope = await Roster.ScopeAsync(db, round, cancellationToken);
        var tenant = round.SubdistrictId;
        var expected = db.Residents.IgnoreQueryFilters().Where(r => r.SubdistrictId == tenant
            && (r.Status == ResidenceStatus.Resident || r.Status == ResidenceStatus.Tenant)
            && (scope.Neighborhoods.Contains(r.NeighborhoodId) || scope.Compounds.Contains(r.CompoundId) || scope.Buildings.Contains(r.BuildingId)));
        if (round.RecallOf is { } original)
        {
            var members = Recalls.Members(db, original).Select(m => m.ResidentId);
            expected = db.Residents.IgnoreQueryFilters().Where(r => r.SubdistrictId == tenant && members.Contains(r.Id));
        }

        var people = await expected
            .Join(db.Flats.IgnoreQueryFilters(), r => r.FlatId, f => f.Id, (r, f) => new { r, f })
            .Join(db.Buildings.IgnoreQueryFilters(), x => x.r.BuildingId, b => b.Id, (x, b) => new
            {
                x.r.Id,
                x.r.SamplingCode,
                x.r.Name,
                b.Number,
                x.f.Entrance,
                x.f.Room,
                b.Entrances,
                Positive = db.Set<PositiveCase>().Any(c => c.ResidentId == x.r.Id),
            })
            .ToListAsync(cancellationToken);
        var recalled = (await db.SampleRecords.Where(s => s.ResidentId != null)
            .Join(db.Tubes.Where(t => t.Result == TubeResult.Positive && t.Capacity > 1), s => s.TubeId, t => t.Id, (s, _) => s.ResidentId!.Value)
            .ToListAsync(cancellationToken)).ToHashSet();
        var sees = caller.Can(Permission.ViewResidents);
        var visitors = await db.Visitors.AsNoTracking().Where(v => v.RoundId == id).Select(v => new { v.SamplingCode, v.Name }).ToListAsync(cancellationToken);
        var sampled = await db.SampleRecords.AsNoTracking().Where(s => s.RoundId == id)
            .Select(s => s.ResidentId != null
                ? db.Residents.IgnoreQueryFilters().Where(r => r.Id == s.ResidentId).Select(r => r.SamplingCode).FirstOrDefault()
                : db.Set<Visitor>().Where(v => v.Id == s.VisitorId).Select(v => v.SamplingCode).FirstOrDefault())
            .ToListAsync(cancellationToken);
        var tubes = (await db.Tubes.AsNoTracking().Where(t => t.RoundId == id && t.SealedAt == null)
            .Select(t => new { Tube = t, Live = db.Set<SampleRecord>().Count(r => r.TubeId == t.Id) }).ToListAsync(cancellationToken))
            .Select(t => { t.Tube.Count = t.Live; return t.Tube; }).ToList();
        return TypedResults.Ok(new RosterResponse(round.Id, round.Name, round.Status, round.PoolSize,
            [
                .. people.Select(p => new RosterPerson(p.SamplingCode, sees ? p.Name : Names.Mask(p.Name), Address.Format(p.Number, p.Entrance, p.Room, p.Entrances), round.PoolSize == 1 || p.Positive || recalled.Contains(p.Id))),
                .. visitors.Select(v => new RosterPerson(v.SamplingCode, sees ? v.Name : Names.Mask(v.Name), "", false)),
            ],
            [.. sampled.OfType<string>()],
            [.. tubes.Select(ToView)]));
    }

    public static async Task<Results<Created<RoundView>, ProblemHttpResult>> CreateRound(
        RoundRequest body, CordonDb db, Caller caller, Catalog catalog, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (round, error) = await Roster.CreateAsync(db, caller, body, clock.GetUtcNow().UtcDateTime, cancellationToken);
        if (error is not null)
        {
            return catalog.Problem(error);
        }

        return TypedResults.Created($"/api/v1/testing/rounds/{round!.Id}", await ViewAsync(db, round, cancellationToken));
    }

    public static async Task<Ok<List<RoundView>>> ListRounds(CordonDb db, CancellationToken cancellationToken)
    {
        var rounds = await db.TestingRounds.AsNoTracking().OrderByDescending(r => r.StartsAt).Take(200).ToListAsync(cancellationToken);
        var views = new List<RoundView>();
        foreach (var round in rounds)
        {
            views.Add(await ViewAsync(db, round, cancellationToken));
        }

        return TypedResults.Ok(views);
    }

    public static async Task<Results<Ok<RoundView>, NotFound>> GetRound(Guid id, CordonDb db, CancellationToken cancellationToken) =>
        await db.TestingRounds.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken) is { } round
            ? TypedResults.Ok(await ViewAsync(db, round, cancellationToken))
            : TypedResults.NotFound();

    public static Task<Results<Ok<RoundView>, NotFound, ProblemHttpResult>> OpenRound(Guid id, CordonDb db, Catalog catalog, TimeProvider clock, CancellationToken cancellationToken) =>
        ChangeAsync(id, db, catalog, r => r.Open(clock.GetUtcNow().UtcDateTime), cancellationToken);

    public static Task<Results<Ok<RoundView>, NotFound, ProblemHttpResult>> CloseRound(Guid id, CordonDb db, Catalog catalog, TimeProvider clock, CancellationToken cancellationToken) =>
        ChangeAsync(id, db, catalog, r => r.Close(clock.GetUtcNow().UtcDateTime), cancellationToken);

    public static async Task<Results<Ok<CoverageResponse>, NotFound>> RoundCoverage(
        Guid id, Guid? compoundId, Guid? buildingId, CordonDb db, Caller caller, CancellationToken cancellationToken)
    {
        if (await db.TestingRounds.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken) is not { } round)
        {
            return TypedResults.NotFound();
        }

        var scope = await Roster.ScopeAsync(db, round, cancellationToken);
        var (counts, missing) = await Coverage.ReportAsync(db, scope, compoundId, buildingId, cancellationToken);
        var phones = caller.Can(Permission.SeePhones);
        return TypedResults.Ok(new CoverageResponse(counts.Expected, counts.Sampled, counts.Exempt, counts.Missing, counts.Visitors,
            [.. missing.Select(m => new MissingItem(m.ResidentId, m.Name, m.Address, m.Compound, phones ? m.Phone : Mask.Phone(m.Phone)))]));
    }

    public static async Task<Results<Ok<List<RecallItem>>, NotFound>> Recall(Guid id, CordonDb db, Caller caller, CancellationToken cancellationToken)
    {
        if (!await db.TestingRounds.AnyAsync(r => r.Id == id, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(await RecallListAsync(db, caller, id, cancellationToken));
    }

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
        var phones = caller.Can(Permission.SeePhones);
        return [.. members.OrderBy(m => m.TubeCode).ThenBy(m => m.Address)
            .Select(m => new RecallItem(m.Id, m.Name, m.Address, m.TubeCode, phones ? m.Phone : Mask.Phone(m.Phone), m.Retest is not null, m.Retest?.ToString()))];
    }

    public static async Task<Results<Ok, NotFound, ProblemHttpResult>> Exempt(
        Guid id, ExemptionRequest body, CordonDb db, Caller caller, Catalog catalog, TimeProvider clock, CancellationToken cancellationToken)
    {
        var round = await db.TestingRounds.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (round is null)
        {
            return TypedResults.NotFound();
        }

        var note = body.Note?.Trim() ?? "";
        if (body.Kind is null || (body.Kind == ExemptionKind.Other && note.Length < 2) || note.Length > 200)
        {
            return catalog.Problem(TestingErrors.ExemptionReasonMissing);
        }

        var scope = await Roster.ScopeAsync(db, round, cancellationToken);
        if (!await Roster.Expected(db, scope).AnyAsync(r => r.Id == body.ResidentId, cancellationToken))
        {
            return catalog.Problem(TestingErrors.ResidentNotInRound);
        }

        var existing = await db.Exemptions.SingleOrDefaultAsync(e => e.RoundId == id && e.ResidentId == body.ResidentId, cancellationToken);
        if (existing is null)
        {
            db.Exemptions.Add(new Exemption
            {
                SubdistrictId = round.SubdistrictId,
                RoundId = id,
                ResidentId = body.ResidentId,
                Kind = body.Kind.Value,
                Note = note,
                CreatedAt = clock.GetUtcNow().UtcDateTime,
                CreatedBy = caller.UserName,
            });
        }
        else
        {
            existing.Kind = body.Kind.Value;
            existing.Note = note;
        }

        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok();
    }

    public static async Task<Results<NoContent, NotFound>> Unexempt(Guid id, Guid residentId, CordonDb db, CancellationToken cancellationToken)
    {
        var existing = await db.Exemptions.SingleOrDefaultAsync(e => e.RoundId == id && e.ResidentId == residentId, cancellationToken);
        if (existing is null || !await db.Residents.AnyAsync(r => r.Id == residentId, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        db.Exemptions.Remove(existing);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Created<VisitorResponse>, NotFound, ProblemHttpResult>> AddVisitor(
        Guid id, VisitorRequest body, CordonDb db, Catalog catalog, LocalTime time, TimeProvider clock, CancellationToken cancellationToken)
    {
        var round = await db.TestingRounds.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (round is null)
        {
            return TypedResults.NotFound();
        }

        var (name, nameError) = ResidentRules.Name(body.Name);
        if (nameError is not null)
        {
            return catalog.Problem(nameError);
        }

        var reason = body.Reason?.Trim() ?? "";
        if (reason.Length is < 2 or > 200)
        {
            return catalog.Problem(TestingErrors.VisitorReasonMissing);
        }

        var type = body.DocumentType ?? DocumentType.IdCard;
        var (document, documentError) = ResidentRules.Document(type, body.DocumentNumber, DateOnly.FromDateTime(time.Now), out _);
        if (documentError is not null)
        {
            return catalog.Problem(documentError);
        }

        var (phone, phoneError) = ResidentRules.PhoneNumber(body.Phone);
        if (phoneError is not null)
        {
            return catalog.Problem(phoneError);
        }

        var visitor = new Visitor
        {
            SubdistrictId = round.SubdistrictId,
            RoundId = id,
            Name = name,
            Phone = phone,
            DocumentType = type,
            DocumentNumber = document,
            CompoundId = body.CompoundId,
            Reason = reason,
            SamplingCode = "V" + SamplingCodes.New()[1..],
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        db.Visitors.Add(visitor);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/v1/testing/rounds/{id}/visitors/{visitor.Id}", new VisitorResponse(visitor.Id, visitor.SamplingCode));
    }

    /// <summary>201 with the record; 200 with the first record for a retry; 409 for the same id with other content; 422 with a code otherwise; 503 when saturated.</summary>
    public static async Task<IResult> Register(SampleCommand body, SampleWriter writer, Caller caller, Catalog catalog, HttpContext http)
    {
        if (writer.TryEnqueue(body, Sampler.Of(caller)) is not { } done)
        {
            return Busy(http);
        }

        return Result(await done, catalog);
    }

    public sealed record BatchItemResult(Guid Id, int Status, SampleView? Record, string? Code, string? Detail, string? Zh, string? En, object? Details);

    /// <summary>
    /// The offline queue's way in: many samples, answered one result each with the single endpoint's
    /// status codes. Items are taken in device-sequence order; a batch sent twice is stored once.
    /// Refusals are also put in the supervisors' conflict inbox, so nothing is dropped unseen.
    /// </summary>
    public static async Task<IResult> RegisterBatch(List<SampleCommand> body, SampleWriter writer, Caller caller, Catalog catalog, HttpContext http, CordonDb db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (body.Count > 1000)
        {
            return catalog.Problem(TestingErrors.BatchTooLarge, 1000);
        }

        var sampler = Sampler.Of(caller);
        var ordered = body.OrderBy(c => c.DeviceId).ThenBy(c => c.DeviceSequence ?? long.MaxValue).ToList();
        var waits = new List<(SampleCommand Command, Task<SampleOutcome>? Done)>();
        foreach (var command in ordered)
        {
            waits.Add((command, writer.TryEnqueue(command, sampler)));
        }

        var results = new List<BatchItemResult>();
        foreach (var (command, done) in waits)
        {
            if (done is null)
            {
                results.Add(new BatchItemResult(command.Id, StatusCodes.Status503ServiceUnavailable, null, "busy", null, null, null, null));
                continue;
            }

            var outcome = await done;
            if (outcome.Error is { } error)
            {
                var (zh, en) = catalog.Both(error.MessageKey, outcome.Args ?? []);
                results.Add(new BatchItemResult(command.Id, outcome.Status, null, error.Code, Catalog.IsEnglish(System.Globalization.CultureInfo.CurrentUICulture) ? en : zh, zh, en, outcome.Details));
                await Conflicts.RecordAsync(db, caller, command, error, zh, clock.GetUtcNow().UtcDateTime, cancellationToken);
            }
            else
            {
                results.Add(new BatchItemResult(command.Id, outcome.Status, outcome.Record, null, null, null, null, null));
            }
        }

        if (results.All(r => r.Status == StatusCodes.Status503ServiceUnavailable))
        {
            return Busy(http);
        }

        return TypedResults.Ok(results);
    }

    private static IResult Busy(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "busy",
            extensions: new Dictionary<string, object?> { ["code"] = "busy" });
    }

    public static IResult Result(SampleOutcome outcome, Catalog catalog) => outcome switch
    {
        { Status: StatusCodes.Status201Created, Record: { } record } => TypedResults.Created($"/api/v1/sampling/records/{record.Id}", record),
        { Status: StatusCodes.Status200OK, Record: { } record } => TypedResults.Ok(record),
        { Error: { } error } => catalog.ProblemWithDetails(error, outcome.Details, outcome.Args ?? []),
        _ => TypedResults.StatusCode(StatusCodes.Status500InternalServerError),
    };

    public static async Task<Results<Ok<TubeView>, ProblemHttpResult>> Seal(string tubeCode, SamplingRegistrar registrar, Catalog catalog, CancellationToken cancellationToken)
    {
        var (tube, error) = await registrar.SealAsync(tubeCode, cancellationToken);
        return error is not null ? catalog.Problem(error) : TypedResults.Ok(ToView(tube!));
    }

    public static async Task<Results<Ok<TubeView>, ProblemHttpResult>> TubeStatus(string tubeCode, CordonDb db, Catalog catalog, CancellationToken cancellationToken)
    {
        var code = tubeCode.Trim().ToUpperInvariant();
        var tube = await db.Tubes.AsNoTracking().Where(t => t.Code == code)
            .Select(t => new { Tube = t, Live = db.Set<SampleRecord>().Count(r => r.TubeId == t.Id) })
            .SingleOrDefaultAsync(cancellationToken);
        return tube is null ? catalog.Problem(TestingErrors.TubeNotFound) : TypedResults.Ok(ToView(tube.Tube) with { Count = tube.Live });
    }

    public static async Task<Ok<LabReport>> Results(List<LabResultItem> body, CordonDb db, SamplingCache cache, Catalog catalog, LocalTime localTime, TimeProvider clock, CancellationToken cancellationToken) =>
        TypedResults.Ok(await LabResults.ApplyAsync(db, cache, catalog, localTime, body, clock.GetUtcNow().UtcDateTime, cancellationToken));

    public static async Task<Results<Ok<LabReport>, ProblemHttpResult>> ResultsFile(HttpRequest request, CordonDb db, SamplingCache cache, Catalog catalog, LocalTime localTime, TimeProvider clock, CancellationToken cancellationToken)
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
            return TypedResults.Ok(await LabResults.ApplyAsync(db, cache, catalog, localTime, items, clock.GetUtcNow().UtcDateTime, cancellationToken));
        }
        catch (SpreadsheetException e)
        {
            return catalog.Problem(e.Error, e.Args);
        }
    }

    private static TubeView ToView(Tube tube) => new(tube.Code, tube.RoundId, tube.Count, tube.Capacity, tube.SealedAt is not null, tube.Result);

    private static async Task<Results<Ok<RoundView>, NotFound, ProblemHttpResult>> ChangeAsync(
        Guid id, CordonDb db, Catalog catalog, Func<TestingRound, Error?> change, CancellationToken cancellationToken)
    {
        var round = await db.TestingRounds.SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (round is null)
        {
            return TypedResults.NotFound();
        }

        if (change(round) is { } error)
        {
            return catalog.Problem(error);
        }

        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok(await ViewAsync(db, round, cancellationToken));
    }

    public static async Task<RoundView> ViewAsync(CordonDb db, TestingRound round, CancellationToken cancellationToken)
    {
        var scope = await Roster.ScopeAsync(db, round, cancellationToken);
        return new RoundView(round.Id, round.Name, round.Status, round.PoolSize, round.StartsAt, round.EndsAt, round.Rule, round.SeriesId, round.RecallOf,
            scope.Neighborhoods, scope.Compounds, scope.Buildings);
    }
}
