using Cordon.Platform;
using Cordon.Platform.Auth;
using Cordon.Platform.Clock;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Certificates;

/// <summary>居家证明: home-stay certificates as signed QR codes (issue 15, first part: issuing, keys, status, revocation, the end date on unlock).</summary>
public static class CertificatesFeature
{
    public static WebApplicationBuilder AddCertificates(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<CertificateOptions>(builder.Configuration.GetSection(CertificateOptions.Section));
        builder.Services.AddScoped<CertificateSigner>();
        builder.Services.AddScoped<CertificateDesk>();
        builder.Services.AddSingleton<IClockJob, CertificateEnds>();
        builder.Services.AddSingleton<Platform.People.IResidentSection>(new ResidentCertificatesSection());
        builder.Services.AddSingleton<Platform.Sites.ISiteSection>(new LockdownCertificatesSection());
        builder.Services.AddNavItem("cert.title", "/Certificates", Permission.IssueCertificates, 30);
        return builder;
    }

    public sealed record RevokeBody(string? Reason);

    public sealed record StatusView(string Status);

    public static WebApplication MapCertificates(this WebApplication app)
    {
        app.MapGet("/.well-known/cordon/keys.json", async (CertificateSigner signer, HttpContext context, CancellationToken ct) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return TypedResults.Ok(await signer.KeysAsync(ct));
        }).AllowAnonymous();

        var certificates = app.MapApi("/certificates");
        certificates.MapGet("/{number}/status", Status).AllowAnonymous().RequireRateLimiting(PlatformSetup.LinkRateLimit);
        var issuing = certificates.MapGroup("").RequireAuthorization(RolePermissions.PolicyName(Permission.IssueCertificates));
        issuing.MapPost("", Issue);
        issuing.MapGet("/{id:guid}", Get);
        issuing.MapGet("/{id:guid}/pdf", Pdf);
        issuing.MapPost("/{id:guid}/revoke", Revoke);
        app.MapApi("/lockdowns").RequireAuthorization(RolePermissions.PolicyName(Permission.IssueCertificates)).MapPost("/{id:guid}/certificates", Bulk);
        return app;
    }

    public static async Task<Results<Created<CertificateView>, Ok<CertificateView>, ProblemHttpResult>> Issue(CertificateCommand body, CertificateDesk desk, Catalog catalog, CancellationToken cancellationToken)
    {
        var (certificate, created, error, field) = await desk.IssueAsync(body, cancellationToken);
        if (error is not null)
        {
            return catalog.ProblemWithDetails(error, new { field });
        }

        var view = desk.View(certificate!);
        return created ? TypedResults.Created($"/api/v1/certificates/{certificate!.Id}", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<CertificateView>, ProblemHttpResult>> Get(Guid id, CertificateDesk desk, Catalog catalog, CancellationToken cancellationToken) =>
        await desk.FindAsync(id, cancellationToken) is { } c ? TypedResults.Ok(desk.View(c)) : catalog.Problem(CertificateErrors.NotFound);

    /// <summary>The A4 PDF with the same QR (an audited read: it names the person).</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Pdf(
        Guid id, CertificateDesk desk, CordonDb db, Catalog catalog, Microsoft.Extensions.Options.IOptions<CertificateOptions> options, HttpContext context, CancellationToken cancellationToken)
    {
        if (await desk.FindAsync(id, cancellationToken) is not { } c)
        {
            return catalog.Problem(CertificateErrors.NotFound);
        }

        if (!CertificatePdf.FontAvailable(options.Value.FontFile))
        {
            return catalog.Problem(CertificateErrors.FontMissing, options.Value.FontFile);
        }

        await db.AuditReadAsync("certificate-pdf", new { id }, 1, cancellationToken);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.File(CertificatePdf.Render(c, desk.Qr(c), options.Value.FontFile), "application/pdf", $"{c.Number}.pdf");
    }

    public static async Task<Results<Ok<CertificateView>, ProblemHttpResult>> Revoke(Guid id, RevokeBody? body, CertificateDesk desk, Catalog catalog, CancellationToken cancellationToken)
    {
        if (await desk.RevokeAsync(id, body?.Reason, cancellationToken) is { } error)
        {
            return catalog.Problem(error);
        }

        return TypedResults.Ok(desk.View((await desk.FindAsync(id, cancellationToken))!));
    }

    public static async Task<Results<Created<BulkResult>, ProblemHttpResult>> Bulk(Guid id, CertificateDesk desk, Catalog catalog, CancellationToken cancellationToken)
    {
        var (result, error) = await desk.IssueForLockdownAsync(id, cancellationToken);
        return error is not null ? catalog.Problem(error) : TypedResults.Created($"/api/v1/lockdowns/{id}/certificates", result!);
    }

    /// <summary>Anyone holding a certificate's number may ask whether it still holds: the status only, nothing about the person.</summary>
    public static async Task<Results<Ok<StatusView>, NotFound>> Status(string number, CordonDb db, HttpContext context, CancellationToken cancellationToken)
    {
        context.Response.Headers.CacheControl = "no-store";
        var status = number.Length > 24 ? null : await db.Set<Certificate>().IgnoreQueryFilters().Where(c => c.Number == number).Select(c => (CertificateStatus?)c.Status).SingleOrDefaultAsync(cancellationToken);
        return status is { } s ? TypedResults.Ok(new StatusView(s.ToString().ToLowerInvariant())) : TypedResults.NotFound();
    }

    /// <summary>At every tick: certificates of lockdowns unlocked since get their end date (a new version).</summary>
    private sealed class CertificateEnds : IClockJob
    {
        public Task RunAsync(IServiceProvider services, CordonDb db, DateTime now, CancellationToken cancellationToken) =>
            services.GetRequiredService<CertificateDesk>().EndUnlockedAsync(cancellationToken);
    }
}
