using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.People;
using Cordon.Platform.Sites;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Cordon.Features.Certificates;

internal sealed class ResidentCertificatesSection : IResidentSection
{
    public int Order => 5;

    public string Component => "ResidentCertificates";
}

internal sealed class LockdownCertificatesSection : ISiteSection
{
    public int Order => 4;

    public string Component => "LockdownCertificates";
}

public sealed record CertificateRow(Guid Id, string Number, string Status, string Kind, DateOnly From, DateOnly? To, DateTime IssuedAt);

public sealed record ResidentCertificatesModel(Guid ResidentId, IReadOnlyList<CertificateRow> Rows, IReadOnlyList<Site> Lockdowns);

public sealed record LockdownCertificatesModel(Guid LockdownId, int Valid, int Superseded, int Revoked);

/// <summary>On the resident page: their certificates, and one issued in two taps (the lockdowns that seal their building offered first).</summary>
public sealed class ResidentCertificatesViewComponent(CertificateDesk desk, CordonDb db, Caller caller, ISites sites) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Guid residentId)
    {
        if (!caller.Can(Permission.IssueCertificates))
        {
            return Content("");
        }

        var rows = await desk.Visible().AsNoTracking().Where(c => c.ResidentId == residentId).OrderByDescending(c => c.IssuedAt).Take(20)
            .Select(c => new CertificateRow(c.Id, c.Number, c.Status.ToString().ToLowerInvariant(), CertificateDesk.Code(c.Kind), c.From, c.To, c.IssuedAt))
            .ToListAsync(HttpContext.RequestAborted);
        var building = await db.Residents.AsNoTracking().Where(r => r.Id == residentId).Select(r => r.BuildingId).SingleOrDefaultAsync(HttpContext.RequestAborted);
        var sealing = new List<Site>();
        foreach (var site in await sites.InForceAsync(db, HttpContext.RequestAborted))
        {
            if (sealing.Count < 5 && await sites.FindAsync(db, site.Id, HttpContext.RequestAborted) is { } full && full.BuildingIds.Contains(building))
            {
                sealing.Add(full);
            }
        }

        return View("/Features/Certificates/_ResidentCertificates.cshtml", new ResidentCertificatesModel(residentId, rows, sealing));
    }
}

/// <summary>On the lockdown page: how many certificates, and every resident's in one action.</summary>
public sealed class LockdownCertificatesViewComponent(CertificateDesk desk, Caller caller) : ViewComponent
{
    public async Task<IViewComponentResult> InvokeAsync(Guid lockdownId)
    {
        if (!caller.Can(Permission.IssueCertificates))
        {
            return Content("");
        }

        var counts = await desk.Visible().AsNoTracking().Where(c => c.LockdownId == lockdownId).GroupBy(c => c.Status)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, HttpContext.RequestAborted);
        return View("/Features/Certificates/_LockdownCertificates.cshtml", new LockdownCertificatesModel(lockdownId,
            counts.GetValueOrDefault(CertificateStatus.Valid), counts.GetValueOrDefault(CertificateStatus.Superseded), counts.GetValueOrDefault(CertificateStatus.Revoked)));
    }
}
