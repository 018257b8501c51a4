using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Files;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Staffing;

/// <summary>The roster (人员库) for machines: commanders only; the tenant filter keeps other sub-districts' rows out (404).</summary>
public static class RosterApi
{
    public const int PageSize = 50;

    public static IEndpointRouteBuilder MapRosterApi(this IEndpointRouteBuilder app)
    {
        var staff = app.MapApi("/staff").RequireAuthorization(RolePermissions.PolicyName(Permission.ManageStaff));
        staff.MapGet("", List);
        staff.MapGet("/{id:guid}", Get);
        staff.MapPost("", Create);
        staff.MapPut("/{id:guid}", Update);
        staff.MapGet("/template", Template);
        staff.MapPost("/import", Import).WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(StaffImport.MaxRequestBytes));
        return app;
    }

    public sealed record StaffItem(
        Guid Id, string Name, string Mobile, string Organisation, IReadOnlyList<string> Roles, Guid? NeighborhoodId, string? Neighborhood,
        int TravelMinutes, bool NightCallable, string? UserName, bool Active, int Version);

    public sealed record StaffPage(IReadOnlyList<StaffItem> Items, int Page, int PageSize, int Total);

    /// <summary>
    /// A roster row: <c>roles</c> as codes; the neighborhood by <c>neighborhoodId</c> or by name; <c>id</c> on a POST
    /// makes a retry answer with the first result; <c>version</c> on a PUT refuses an edit over someone else's.
    /// <c>travelMinutes</c> and <c>nightCallable</c> are required; a PUT without <c>userName</c> or <c>active</c> keeps them.
    /// </summary>
    public sealed record StaffRequest(
        Guid? Id, string? Name, string? Mobile, string? Organisation, List<string>? Roles, Guid? NeighborhoodId, string? Neighborhood,
        int? TravelMinutes, bool? NightCallable, string? UserName, bool? Active, int? Version);

    public sealed record ImportErrorItem(int Row, string? Column, string? Value, string Code, string Message, string Zh, string En);

    public sealed record ImportResponse(
        int RowsRead, int Created, int Updated, int Unchanged, IReadOnlyList<ImportErrorItem> Errors, int ErrorCount, int RowsWithErrors, bool Committed, bool DryRun);

    /// <summary>A page of the roster, filtered by role code, neighborhood, name (or mobile digits) and active; audited as a bulk read.</summary>
    public static async Task<Results<Ok<StaffPage>, ProblemHttpResult>> List(
        CordonDb db, Catalog catalog, string? role, Guid? neighborhoodId, string? q, bool? active, int? page, CancellationToken cancellationToken)
    {
        if (Paging.Refuse(page) is { } bad)
        {
            return catalog.Problem(bad);
        }

        var only = StaffRoles.None;
        if (!string.IsNullOrWhiteSpace(role) && (only = StaffRules.ParseRole(role)) == StaffRoles.None)
        {
            return catalog.Problem(StaffingErrors.RoleFilterUnknown, role);
        }

        var query = db.Roster(only, neighborhoodId, q, active);
        var total = await query.CountAsync(cancellationToken);
        var items = await db.ItemsAsync(query.Skip(((page ?? 1) - 1) * PageSize).Take(PageSize), cancellationToken);
        await db.AuditReadAsync("staff-list", new { role, neighborhoodId, active, search = !string.IsNullOrWhiteSpace(q), page = page ?? 1 }, items.Count, cancellationToken);
        return TypedResults.Ok(new StaffPage(items, page ?? 1, PageSize, total));
    }

    public static async Task<Results<Ok<StaffItem>, NotFound>> Get(Guid id, CordonDb db, CancellationToken cancellationToken) =>
        (await db.ItemsAsync(db.Staff.Where(s => s.Id == id), cancellationToken)).SingleOrDefault() is { } item ? TypedResults.Ok(item) : TypedResults.NotFound();

    public static async Task<Results<Created<StaffItem>, Ok<StaffItem>, ProblemHttpResult>> Create(
        StaffRequest body, CordonDb db, Caller caller, Catalog catalog, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (body.Id is { } id && await db.Staff.AnyAsync(s => s.Id == id, cancellationToken))
        {
            return TypedResults.Ok((await db.ItemsAsync(db.Staff.Where(s => s.Id == id), cancellationToken)).Single());
        }

        var saved = await db.SaveStaffAsync(caller, clock, null, body.Id, await InputOfAsync(db, body, cancellationToken), body.UserName, body.Active ?? true, null, cancellationToken);
        if (saved.NotFound)
        {
            return catalog.Problem(HttpErrors.NotFound);
        }

        if (saved.Problem(catalog) is { } problem)
        {
            return problem;
        }

        var item = (await db.ItemsAsync(db.Staff.Where(s => s.Id == saved.Staff!.Id), cancellationToken)).Single();
        return TypedResults.Created($"/api/v1/staff/{item.Id}", item);
    }

    public static async Task<Results<Ok<StaffItem>, NotFound, ProblemHttpResult>> Update(
        Guid id, StaffRequest body, CordonDb db, Caller caller, Catalog catalog, TimeProvider clock, CancellationToken cancellationToken)
    {
        var saved = await db.SaveStaffAsync(caller, clock, id, null, await InputOfAsync(db, body, cancellationToken), body.UserName, body.Active, body.Version, cancellationToken);
        if (saved.NotFound)
        {
            return TypedResults.NotFound();
        }

        if (saved.Problem(catalog) is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok((await db.ItemsAsync(db.Staff.Where(s => s.Id == id), cancellationToken)).Single());
    }

    public static FileContentHttpResult Template() => TypedResults.File(
        StaffImport.Template(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "人员库导入模板.xlsx");

    /// <summary>
    /// Multipart, form field <c>file</c> (xlsx or csv, at most 5 MB and 5,000 rows). <c>dryRun=true</c> checks and stores
    /// nothing; <c>mode=all</c> (default) stores nothing if any row is wrong and answers 422 with the errors;
    /// <c>mode=valid</c> stores the good rows. Rows are matched by mobile: a re-import updates.
    /// </summary>
    public static async Task<Results<Ok<ImportResponse>, UnprocessableEntity<ImportResponse>, ProblemHttpResult>> Import(
        HttpRequest request, StaffImport import, Catalog catalog, bool? dryRun, string? mode, CancellationToken cancellationToken)
    {
        if (mode is not (null or "" or "all" or "valid"))
        {
            return catalog.Problem(HttpErrors.BadRequest);
        }

        var chosen = mode == "valid" ? StaffImportMode.ValidOnly : StaffImportMode.AllOrNothing;
        var (report, refused, args) = await import.ReceiveAsync(request, "file", null, _ => (dryRun ?? false, chosen), cancellationToken);
        if (report is null)
        {
            return catalog.Problem(refused ?? FileErrors.FileMissing, args);
        }

        var response = ToResponse(report);
        return report.Errors.Count > 0 && chosen == StaffImportMode.AllOrNothing ? TypedResults.UnprocessableEntity(response) : TypedResults.Ok(response);
    }

    public static ImportResponse ToResponse(StaffImportReport r) => new(
        r.RowsRead, r.Created, r.Updated, r.Unchanged,
        [.. r.Errors.Select(e => new ImportErrorItem(e.Row, e.Column, e.Value, e.Code, e.Message, e.Zh, e.En))],
        r.Errors.Count, r.RowsWithErrors, r.Committed, r.DryRun);

    /// <summary>The roster filtered, in list order (name, then id).</summary>
    public static IQueryable<StaffMember> Roster(this CordonDb db, StaffRoles role, Guid? neighborhoodId, string? q, bool? active)
    {
        var query = db.Staff.AsNoTracking();
        if (role != StaffRoles.None)
        {
            query = query.Where(s => (s.Roles & role) == role);
        }

        if (neighborhoodId is { } n)
        {
            query = query.Where(s => s.NeighborhoodId == n);
        }

        if (active is { } a)
        {
            query = query.Where(s => s.Active == a);
        }

        var search = Text.Fold(q);
        if (search.Length > 0)
        {
            search = search[..Math.Min(search.Length, 32)];
            query = search.All(char.IsAsciiDigit) ? query.Where(s => s.Mobile.Contains(search)) : query.Where(s => s.Name.Contains(search));
        }

        return query.OrderBy(s => s.Name).ThenBy(s => s.Id);
    }

    public static async Task<List<StaffItem>> ItemsAsync(this CordonDb db, IQueryable<StaffMember> staff, CancellationToken cancellationToken)
    {
        var rows = await staff.AsNoTracking()
            .GroupJoin(db.Neighborhoods, s => s.NeighborhoodId, n => n.Id, (s, ns) => new { s, ns })
            .SelectMany(x => x.ns.DefaultIfEmpty(), (x, n) => new { x.s, Neighborhood = n == null ? null : n.Name })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new StaffItem(
            r.s.Id, r.s.Name, r.s.Mobile, r.s.Organisation, StaffRules.Codes(r.s.Roles), r.s.NeighborhoodId, r.Neighborhood,
            r.s.TravelMinutes, r.s.NightCallable, r.s.UserName, r.s.Active, r.s.Version))];
    }

    private static async Task<StaffInput> InputOfAsync(CordonDb db, StaffRequest body, CancellationToken cancellationToken)
    {
        var neighborhood = body.Neighborhood;
        if (body.NeighborhoodId is { } id)
        {
            // An id outside the sub-district finds no name and is refused as unknown, by its id.
            neighborhood = await db.Neighborhoods.Where(n => n.Id == id).Select(n => n.Name).SingleOrDefaultAsync(cancellationToken) ?? id.ToString();
        }

        return new StaffInput(
            body.Name, body.Mobile, body.Organisation, body.Roles is null ? null : string.Join(",", body.Roles.Where(r => r is not null)), neighborhood,
            body.TravelMinutes?.ToString(System.Globalization.CultureInfo.InvariantCulture), body.NightCallable switch { true => "1", false => "0", null => null });
    }
}

/// <summary>What a create or edit came to: the stored row, or why not.</summary>
public sealed record StaffSave(StaffMember? Staff, bool Created, IReadOnlyList<StaffFieldError> Errors, bool NotFound = false, Error? Refused = null)
{
    public ProblemHttpResult? Problem(Catalog catalog)
    {
        if (Refused is { } refused)
        {
            return catalog.Problem(refused);
        }

        if (Errors.Count == 0)
        {
            return null;
        }

        var first = Errors[0];
        var details = Errors.Select(e => new { field = e.Field, code = e.Error.Code, value = e.Value, message = catalog.Message(e.Error, e.Argument) }).ToList();
        return catalog.ProblemWithDetails(first.Error, details, first.Argument);
    }
}

/// <summary>One create or edit of a roster row, the same for the page and the API.</summary>
public static class StaffEdits
{
    /// <param name="id">The row to edit; null creates one (with <paramref name="newId"/> when the client made it).</param>
    /// <param name="userName">The linked account; null keeps the stored one, blank removes it.</param>
    /// <param name="active">Null keeps the stored state (a new row is active).</param>
    /// <param name="version">The version the person saw; null edits whatever is stored.</param>
    public static async Task<StaffSave> SaveStaffAsync(
        this CordonDb db, Caller caller, TimeProvider clock, Guid? id, Guid? newId, StaffInput input, string? userName, bool? active, int? version,
        CancellationToken cancellationToken)
    {
        StaffMember? staff = null;
        if (id is { } existing && (staff = await db.Staff.SingleOrDefaultAsync(s => s.Id == existing, cancellationToken)) is null)
        {
            return new StaffSave(null, false, [], NotFound: true);
        }

        var (values, errors) = StaffRules.Check(input, await db.NeighborhoodsByNameAsync(cancellationToken));
        var user = Text.Fold(userName);
        if (user.Length > 0 && !await db.Users.AnyAsync(u => u.UserName == user && u.SubdistrictId == caller.SubdistrictId, cancellationToken))
        {
            errors.Add(new StaffFieldError(StaffRules.Fields.UserName, StaffingErrors.UserUnknown, userName, userName));
        }

        if (values is not null && await db.Staff.AnyAsync(s => s.Mobile == values.Mobile && s.Id != id, cancellationToken))
        {
            errors.Add(new StaffFieldError(StaffRules.Fields.Mobile, StaffingErrors.MobileTaken, input.Mobile, values.Mobile));
        }

        if (errors.Count > 0)
        {
            return new StaffSave(staff, false, errors);
        }

        if (newId is { } made && await db.Staff.IgnoreQueryFilters().AnyAsync(s => s.Id == made, cancellationToken))
        {
            return new StaffSave(null, false, [], NotFound: true);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var created = staff is null;
        if (staff is null)
        {
            staff = new StaffMember { SubdistrictId = caller.SubdistrictId, CreatedAt = now };
            if (newId is { } made2)
            {
                staff.Id = made2;
            }

            db.Staff.Add(staff);
        }
        else
        {
            if (version is { } seen)
            {
                db.Entry(staff).Property(s => s.Version).OriginalValue = seen;
            }

            staff.Version++;
        }

        staff.Apply(values!);
        staff.UserName = userName is null ? staff.UserName : user.Length > 0 ? user : null;
        staff.Active = active ?? staff.Active;
        staff.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new StaffSave(staff, false, [], Refused: StaffingErrors.EditConflict);
        }
        catch (DbUpdateException) when (created)
        {
            // Two saves of the same mobile at once: the unique index took the first.
            return new StaffSave(null, false, [new StaffFieldError(StaffRules.Fields.Mobile, StaffingErrors.MobileTaken, input.Mobile, values!.Mobile)]);
        }

        return new StaffSave(staff, created, []);
    }
}
