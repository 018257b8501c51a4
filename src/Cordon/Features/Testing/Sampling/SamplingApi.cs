using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Offline;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Testing;

/// <summary>
/// The sampler's device: registration (one, or a batch from the offline queue), tubes, the offline roster and
/// visitors. Every endpoint needs <see cref="Permission.Sample"/>; rounds outside the caller's jurisdiction are not found.
/// </summary>
public static class SamplingApi
{
    public const int MaxBatch = 1000;

    public static IEndpointRouteBuilder MapSamplingApi(this IEndpointRouteBuilder app)
    {
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

        var rounds = app.MapApi("/testing/rounds").RequireAuthorization(RolePermissions.PolicyName(Permission.Sample));
        rounds.MapGet("/{id:guid}/roster", Roster);
        rounds.MapPost("/{id:guid}/visitors", AddVisitor);
        return app;
    }

    public sealed record VisitorRequest(string? Name, string? Phone, DocumentType? DocumentType, string? DocumentNumber, Guid? CompoundId, string? Reason);

    public sealed record VisitorResponse(Guid Id, string SamplingCode);

    public sealed record TubeView(string TubeCode, Guid RoundId, int Count, int Capacity, bool Sealed, TubeResult Result);

    /// <summary>One person of the offline roster: <c>single</c> says "single tube" and never why.</summary>
    public sealed record RosterPerson(string Code, string Name, string Address, bool Single);

    public sealed record RosterResponse(
        Guid RoundId, string Name, RoundStatus Status, int PoolSize, IReadOnlyList<RosterPerson> People, IReadOnlyList<string> Sampled, IReadOnlyList<TubeView> Tubes,
        string TubePrefix, int TubeLength);

    /// <summary>The batch contract of every offline queue (docs/decisions/010): one result per item, in the order sent.</summary>
    public sealed record BatchItemResult(Guid Id, int Index, int Status, SampleView? Record, string? Code, string? Detail, string? Zh, string? En, object? Details);

    /// <summary>
    /// What a sampler's device keeps for working offline: the round's list ∩ the caller's jurisdiction, sampling code
    /// → name (masked unless the role sees residents) and flat; who of them is already sampled; the open tubes.
    /// No ID numbers, no phones, no test results.
    /// </summary>
    public static async Task<Results<Ok<RosterResponse>, NotFound>> Roster(Guid id, CordonDb db, Caller caller, CancellationToken cancellationToken)
    {
        if (await RoundsApi.FindAsync(db, caller, id, run: false, tracked: false, cancellationToken) is not { } round)
        {
            return TypedResults.NotFound();
        }

        var scope = await Testing.Roster.ScopeAsync(db, round, cancellationToken);
        var expected = Testing.Roster.Expected(db, scope, db.Visible<Resident>());
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
            })
            .ToListAsync(cancellationToken);
        var single = round.PoolSize == 1 ? [] : await SingleTube.RequiredAsync(db, expected.Select(r => r.Id), cancellationToken);
        var sees = caller.Can(Permission.ViewResidents);
        var visitors = await VisibleVisitors(db, caller, id).Select(v => new { v.Id, v.SamplingCode, v.Name }).ToListAsync(cancellationToken);
        var codes = people.ToDictionary(p => p.Id, p => p.SamplingCode);
        foreach (var v in visitors)
        {
            codes[v.Id] = v.SamplingCode;
        }

        var sampled = (await db.SampleRecords.AsNoTracking().Where(s => s.RoundId == id).Select(s => s.ResidentId ?? s.VisitorId).ToListAsync(cancellationToken))
            .Select(p => p is { } key && codes.TryGetValue(key, out var code) ? code : null).OfType<string>().ToList();
        var tubes = (await db.Tubes.AsNoTracking().Where(t => t.RoundId == id && t.SealedAt == null)
            .Select(t => new { Tube = t, Live = db.Set<SampleRecord>().Count(r => r.TubeId == t.Id) }).ToListAsync(cancellationToken))
            .Select(t => ToView(t.Tube) with { Count = t.Live }).ToList();
        var roster = new RosterResponse(round.Id, round.Name, round.Status, round.PoolSize,
            [
                .. people.Select(p => new RosterPerson(p.SamplingCode, sees ? p.Name : Names.Mask(p.Name), Address.Format(p.Number, p.Entrance, p.Room, p.Entrances),
                    round.PoolSize == 1 || single.Contains(p.Id))),
                .. visitors.Select(v => new RosterPerson(v.SamplingCode, sees ? v.Name : Names.Mask(v.Name), "", round.PoolSize == 1)),
            ],
            sampled, tubes, round.TubePrefix, round.TubeLength);
        await db.AuditReadAsync("sampling-roster", new { roundId = id }, roster.People.Count, cancellationToken);
        return TypedResults.Ok(roster);
    }

    public static async Task<Results<Created<VisitorResponse>, NotFound, ProblemHttpResult>> AddVisitor(
        Guid id, VisitorRequest body, CordonDb db, Caller caller, Catalog catalog, LocalTime time, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await RoundsApi.FindAsync(db, caller, id, run: false, tracked: false, cancellationToken) is not { } round)
        {
            return TypedResults.NotFound();
        }

        var (name, nameError) = ResidentRules.Name(body.Name);
        if (nameError is not null)
        {
            return catalog.Problem(nameError);
        }

        var (reason, words) = Reasons.Check(body.Reason, 200);
        if (!words)
        {
            return catalog.Problem(TestingErrors.VisitorReasonMissing);
        }

        var type = body.DocumentType ?? DocumentType.IdCard;
        var (document, documentError) = ResidentRules.Document(type, body.DocumentNumber, time.Today, out _);
        if (documentError is not null)
        {
            return catalog.Problem(documentError);
        }

        var (phone, phoneError) = ResidentRules.PhoneNumber(body.Phone);
        if (phoneError is not null)
        {
            return catalog.Problem(phoneError);
        }

        // A visitor counts towards the coverage of the compound they visit: only a compound of this round.
        if (body.CompoundId is { } compound)
        {
            var scope = await Testing.Roster.ScopeAsync(db, round, cancellationToken);
            var inRound = round.RecallOf is null && await db.Compounds.AnyAsync(c => c.Id == compound
                && (scope.Compounds.Contains(c.Id) || scope.Neighborhoods.Contains(c.NeighborhoodId)
                    || db.Buildings.Any(b => b.CompoundId == c.Id && scope.Buildings.Contains(b.Id))), cancellationToken);
            if (!inRound)
            {
                return catalog.Problem(TestingErrors.VisitorCompoundOutsideRound);
            }
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

    /// <summary>201 with the record; 200 with the first record for a retry; 409 for the same id with other content; 400/422 with a code otherwise; 503 when saturated.</summary>
    public static async Task<Results<Created<SampleView>, Ok<SampleView>, ProblemHttpResult>> Register(SampleCommand body, SampleWriter writer, Caller caller, Catalog catalog, HttpContext http)
    {
        if (body.Malformed() is { } malformed)
        {
            return catalog.Problem(malformed.Error, malformed.Args);
        }

        if (writer.TryEnqueue(body, Sampler.Of(caller)) is not { } done)
        {
            return Busy(http, catalog);
        }

        return Result(await done, catalog);
    }

    /// <summary>
    /// The offline queue's way in: many samples, answered one result each with the single endpoint's status codes.
    /// Items are taken in device-sequence order; a batch sent twice is stored once. A malformed item (a <c>null</c>,
    /// an overlong field) is refused alone with its index, before anything reaches the shared writer. Refusals go to
    /// the supervisors' conflict inbox, without the typed ID number, so nothing is dropped unseen.
    /// </summary>
    public static async Task<Results<Ok<BatchItemResult?[]>, ProblemHttpResult>> RegisterBatch(
        List<SampleCommand?>? body, SampleWriter writer, Caller caller, Catalog catalog, HttpContext http, ConflictInbox inbox, CancellationToken cancellationToken)
    {
        if (body is null)
        {
            return catalog.Problem(HttpErrors.BodyInvalid, "$", 1, 1);
        }

        if (body.Count > MaxBatch)
        {
            return catalog.Problem(TestingErrors.BatchTooLarge, MaxBatch);
        }

        var sampler = Sampler.Of(caller);
        var results = new BatchItemResult?[body.Count];
        var waits = new List<(int Index, SampleCommand Command, Task<SampleOutcome>? Done)>();
        foreach (var (command, index) in body.Select((c, i) => (c, i)).OrderBy(x => x.c?.DeviceId).ThenBy(x => x.c?.DeviceSequence ?? long.MaxValue))
        {
            if (command is null)
            {
                results[index] = Refusal(catalog, Guid.Empty, index, TestingErrors.ItemInvalid, [], null);
                continue;
            }

            if (command.Malformed() is { } malformed)
            {
                results[index] = Refusal(catalog, command.Id, index, malformed.Error, malformed.Args, null);
                continue;
            }

            waits.Add((index, command, writer.TryEnqueue(command, sampler)));
        }

        var refused = new List<(int Index, SampleCommand Command, SampleOutcome Outcome)>();
        foreach (var (index, command, done) in waits)
        {
            if (done is null)
            {
                results[index] = Refusal(catalog, command.Id, index, TestingErrors.Busy, [], null);
                continue;
            }

            SampleOutcome outcome;
            try
            {
                outcome = await done;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Logged by the writer; this item alone failed.
                results[index] = Refusal(catalog, command.Id, index, new Error("server_error", StatusCodes.Status500InternalServerError), [http.TraceIdentifier], null);
                continue;
            }

            if (outcome.Error is { } error)
            {
                results[index] = Refusal(catalog, command.Id, index, error, outcome.Args ?? [], outcome.Details);
                refused.Add((index, command, outcome));
            }
            else
            {
                results[index] = new BatchItemResult(command.Id, index, outcome.Status, outcome.Record, null, null, null, null, null);
            }
        }

        if (waits.Count > 0 && waits.All(w => w.Done is null))
        {
            return Busy(http, catalog);
        }

        var overflow = await inbox.RecordAsync(SamplingConflicts.Feature, [.. refused.Select(r => SamplingConflicts.Refused(r.Command, r.Outcome, results[r.Index]!.Zh ?? "", results[r.Index]!.En ?? ""))], cancellationToken);
        foreach (var (index, command, _) in refused.Where(r => overflow.Contains(r.Command.Id)))
        {
            results[index] = results[index]! with { Details = new { inbox = ConflictInbox.InboxFull.Code } };
        }

        return TypedResults.Ok(results);
    }

    public static Results<Created<SampleView>, Ok<SampleView>, ProblemHttpResult> Result(SampleOutcome outcome, Catalog catalog) => outcome switch
    {
        { Status: StatusCodes.Status201Created, Record: { } record } => TypedResults.Created($"/api/v1/sampling/records/{record.Id}", record),
        { Status: StatusCodes.Status200OK, Record: { } record } => TypedResults.Ok(record),
        { Error: { } error } => catalog.ProblemWithDetails(error, outcome.Details, outcome.Args ?? []),
        _ => throw new InvalidOperationException("A sample outcome is a record or a refusal."),
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

    /// <summary>Visitors of the round the caller may see: all for the whole sub-district, else those of their compounds.</summary>
    private static IQueryable<Visitor> VisibleVisitors(CordonDb db, Caller caller, Guid roundId)
    {
        var visitors = db.Visitors.AsNoTracking().Where(v => v.RoundId == roundId);
        if (caller.WholeSubdistrict)
        {
            return visitors;
        }

        var compounds = db.Compounds.Select(c => c.Id);
        return visitors.Where(v => v.CompoundId != null && compounds.Contains(v.CompoundId.Value));
    }

    private static BatchItemResult Refusal(Catalog catalog, Guid id, int index, Error error, object?[] args, object? details)
    {
        var (zh, en) = catalog.Both(error.MessageKey, args);
        return new BatchItemResult(id, index, error.Status, null, error.Code, Catalog.IsEnglish(System.Globalization.CultureInfo.CurrentUICulture) ? en : zh, zh, en, details);
    }

    private static ProblemHttpResult Busy(HttpContext http, Catalog catalog)
    {
        http.Response.Headers.RetryAfter = "1";
        return catalog.Problem(TestingErrors.Busy);
    }

    private static TubeView ToView(Tube tube) => new(tube.Code, tube.RoundId, tube.Count, tube.Capacity, tube.SealedAt is not null, tube.Result);
}
