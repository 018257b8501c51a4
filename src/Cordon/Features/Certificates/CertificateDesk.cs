using System.Globalization;
using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Notifications;
using Cordon.Platform.People;
using Cordon.Platform.Sites;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cordon.Features.Certificates;

public sealed record CertificateCommand(Guid? Id, Guid? ResidentId, Guid? LockdownId, string? Kind, DateOnly? From, DateOnly? To);

public sealed record CertificateView(
    Guid Id, string Number, int Version, string Status, string Kind, Guid ResidentId, Guid? LockdownId, string Name, string Last4, string Place,
    DateOnly From, DateOnly? To, string Issuer, string Committee, DateTime IssuedAt, string IssuedBy, string Qr, Guid? SupersededById, DateTime? RevokedAt, string? RevokeReason);

public sealed record Skipped(Guid ResidentId, string Reason);

public sealed record BulkResult(int Issued, IReadOnlyList<Skipped> Skipped);

public static class CertificateErrors
{
    public static readonly Error NotFound = new("certificate_not_found", StatusCodes.Status404NotFound);
    public static readonly Error IdReused = new("certificate_id_reused", StatusCodes.Status409Conflict);
    public static readonly Error ResidentNotFound = new("certificate_resident_not_found");
    public static readonly Error KindInvalid = new("certificate_kind_invalid");
    public static readonly Error LockdownNotFound = new("certificate_lockdown_not_found");
    public static readonly Error LockdownUnknown = new("certificate_lockdown_unknown", StatusCodes.Status404NotFound);
    public static readonly Error NotSealed = new("certificate_not_sealed");
    public static readonly Error PeriodInvalid = new("certificate_period_invalid");
    public static readonly Error DocumentMissing = new("certificate_document_missing");
    public static readonly Error ReasonInvalid = new("certificate_reason_invalid");
    public static readonly Error FontMissing = new("certificate_font_missing", StatusCodes.Status503ServiceUnavailable);
}

/// <summary>
/// Issues home-stay certificates (issue 15): one for a resident, or one for every resident of a lockdown's sealed
/// buildings; a new version with the end date when the lockdown is unlocked; revocation with a reason. The QR is a
/// URL to the verifier page with the signed token after <c>#</c>, so it never reaches a server.
/// </summary>
public sealed class CertificateDesk(CordonDb db, Caller caller, LocalTime time, TimeProvider clock, CertificateSigner signer, ISites sites, IOptions<NotificationOptions> notifications, IHttpContextAccessor http)
{
    public const int MaxBulk = 5000;

    public static string Code(CertificateKind kind) => kind switch
    {
        CertificateKind.HomeIsolation => "home_isolation",
        CertificateKind.HomeMonitoring => "home_monitoring",
        _ => "sealed",
    };

    public static CertificateKind? ParseKind(string? code) => code switch
    {
        "sealed" => CertificateKind.Sealed,
        "home_isolation" => CertificateKind.HomeIsolation,
        "home_monitoring" => CertificateKind.HomeMonitoring,
        _ => null,
    };

    public IQueryable<Certificate> Visible() => db.Set<Certificate>();

    public Task<Certificate?> FindAsync(Guid id, CancellationToken cancellationToken) => Visible().AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);

    /// <summary>The QR's text: the verifier page with the token in the fragment.</summary>
    public string Qr(Certificate c) => $"{BaseUrl()}/v#{c.Jws}";

    /// <summary>201 with the new certificate; 200 with the one already valid for the same person, kind and lockdown (or the same id).</summary>
    public async Task<(Certificate? Certificate, bool Created, Error? Error, string? Field)> IssueAsync(CertificateCommand body, CancellationToken cancellationToken)
    {
        if (body.Id is { } clientId && await db.Set<Certificate>().IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(c => c.Id == clientId, cancellationToken) is { } first)
        {
            return first.SubdistrictId == caller.SubdistrictId && first.ResidentId == body.ResidentId ? (first, false, null, null) : (null, false, CertificateErrors.IdReused, "id");
        }

        if (ParseKind(body.Kind) is not { } kind)
        {
            return (null, false, CertificateErrors.KindInvalid, "kind");
        }

        if (body.ResidentId is not { } residentId
            || await db.Residents.AsNoTracking().SingleOrDefaultAsync(r => r.Id == residentId && r.Status != ResidenceStatus.MovedOut, cancellationToken) is not { } resident)
        {
            return (null, false, CertificateErrors.ResidentNotFound, "residentId");
        }

        Site? site = null;
        if (body.LockdownId is { } lockdownId && (site = await sites.FindAsync(db, lockdownId, cancellationToken)) is null)
        {
            return (null, false, CertificateErrors.LockdownNotFound, "lockdownId");
        }

        if (kind == CertificateKind.Sealed && (site is null || !site.BuildingIds.Contains(resident.BuildingId)))
        {
            return (null, false, site is null ? CertificateErrors.LockdownNotFound : CertificateErrors.NotSealed, "lockdownId");
        }

        var today = time.Today;
        var from = body.From ?? (site is not null ? DateOnly.FromDateTime(time.ToLocal(site.ReceivedAt)) : today);
        var to = body.To ?? (site?.UnlockedAt is { } unlocked ? DateOnly.FromDateTime(time.ToLocal(unlocked)) : null);
        if (from > today || from < today.AddDays(-366) || to < from || to > today.AddDays(60))
        {
            return (null, false, CertificateErrors.PeriodInvalid, body.To < from ? "to" : "from");
        }

        var existing = await Visible().AsNoTracking()
            .FirstOrDefaultAsync(c => c.ResidentId == resident.Id && c.Kind == kind && c.LockdownId == body.LockdownId && c.Status == CertificateStatus.Valid, cancellationToken);
        if (existing is not null)
        {
            return (existing, false, null, null);
        }

        var (certificate, error) = await BuildAsync(resident, kind, site?.Id, from, to, body.Id, null, cancellationToken);
        if (error is not null)
        {
            return (null, false, error, "residentId");
        }

        await SaveNumberedAsync([certificate!], cancellationToken);
        return (certificate, true, null, null);
    }

    /// <summary>One certificate for every resident of the lockdown's sealed buildings who has none yet; the rest skipped with why.</summary>
    public async Task<(BulkResult? Result, Error? Error)> IssueForLockdownAsync(Guid lockdownId, CancellationToken cancellationToken)
    {
        if (await sites.FindAsync(db, lockdownId, cancellationToken) is not { } site)
        {
            return (null, CertificateErrors.LockdownUnknown);
        }

        var buildings = site.BuildingIds.ToList();
        var residents = await db.Residents.AsNoTracking().Where(r => buildings.Contains(r.BuildingId) && r.Status != ResidenceStatus.MovedOut)
            .OrderBy(r => r.BuildingId).ThenBy(r => r.FlatId).Take(MaxBulk).ToListAsync(cancellationToken);
        var holders = (await Visible().AsNoTracking().Where(c => c.LockdownId == lockdownId && c.Kind == CertificateKind.Sealed && c.Status == CertificateStatus.Valid)
            .Select(c => c.ResidentId).ToListAsync(cancellationToken)).ToHashSet();
        var from = DateOnly.FromDateTime(time.ToLocal(site.ReceivedAt));
        DateOnly? to = site.UnlockedAt is { } unlocked ? DateOnly.FromDateTime(time.ToLocal(unlocked)) : null;
        var skipped = new List<Skipped>();
        var made = new List<Certificate>();
        var places = await PlacesAsync(residents, cancellationToken);
        foreach (var resident in residents)
        {
            if (holders.Contains(resident.Id))
            {
                skipped.Add(new Skipped(resident.Id, "already_issued"));
                continue;
            }

            var (certificate, error) = await BuildAsync(resident, CertificateKind.Sealed, site.Id, from, to, null, places, cancellationToken);
            if (error is not null)
            {
                skipped.Add(new Skipped(resident.Id, error == CertificateErrors.DocumentMissing ? "document_missing" : error.Code));
                continue;
            }

            made.Add(certificate!);
        }

        await SaveNumberedAsync(made, cancellationToken);
        return (new BulkResult(made.Count, skipped), null);
    }

    /// <summary>Revoked with a reason: the status endpoint says so to anyone holding its number.</summary>
    public async Task<Error?> RevokeAsync(Guid id, string? reason, CancellationToken cancellationToken)
    {
        if (await Visible().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } c)
        {
            return CertificateErrors.NotFound;
        }

        var (text, ok) = Reasons.Check(reason);
        if (!ok)
        {
            return CertificateErrors.ReasonInvalid;
        }

        if (c.Status == CertificateStatus.Revoked)
        {
            return null;
        }

        (c.Status, c.RevokedAt, c.RevokedBy, c.RevokeReason) = (CertificateStatus.Revoked, clock.GetUtcNow().UtcDateTime, caller.UserName, text);
        c.Concurrency++;
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>
    /// The certificates of unlocked lockdowns that still say "in force" get a new version with the unlock day as
    /// their end; the old version stays verifiable and answers <c>superseded</c>. For the clock (no jurisdiction).
    /// </summary>
    public async Task<int> EndUnlockedAsync(CancellationToken cancellationToken)
    {
        var open = await db.Set<Certificate>().IgnoreQueryFilters().Where(c => c.Status == CertificateStatus.Valid && c.LockdownId != null && c.To == null)
            .Select(c => c.LockdownId!.Value).Distinct().Take(200).ToListAsync(cancellationToken);
        if (open.Count == 0)
        {
            return 0;
        }

        var unlocked = await sites.UnlockedAsync(db, open, cancellationToken);
        var made = 0;
        foreach (var (lockdownId, at) in unlocked)
        {
            var to = DateOnly.FromDateTime(time.ToLocal(at));
            var old = await db.Set<Certificate>().IgnoreQueryFilters().Where(c => c.LockdownId == lockdownId && c.Status == CertificateStatus.Valid && c.To == null)
                .Take(1000).ToListAsync(cancellationToken);
            var next = new List<Certificate>();
            foreach (var c in old)
            {
                var version = new Certificate
                {
                    Id = Guid.CreateVersion7(),
                    SubdistrictId = c.SubdistrictId,
                    NeighborhoodId = c.NeighborhoodId,
                    CompoundId = c.CompoundId,
                    BuildingId = c.BuildingId,
                    ResidentId = c.ResidentId,
                    LockdownId = c.LockdownId,
                    Number = $"{c.Number.Split('-')[0]}-{c.Number.Split('-')[1]}-{c.Version + 1}",
                    Version = c.Version + 1,
                    Kind = c.Kind,
                    Name = c.Name,
                    Last4 = c.Last4,
                    Place = c.Place,
                    From = c.From,
                    To = to < c.From ? c.From : to,
                    Issuer = c.Issuer,
                    Committee = c.Committee,
                    IssuedAt = clock.GetUtcNow().UtcDateTime,
                    IssuedBy = "clock",
                };
                await SignAsync(version, cancellationToken);
                (c.Status, c.SupersededById) = (CertificateStatus.Superseded, version.Id);
                c.Concurrency++;
                next.Add(version);
            }

            db.Set<Certificate>().AddRange(next);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                made += next.Count;
            }
            catch (Exception e) when (e is DbUpdateConcurrencyException || DbErrors.IsUniqueViolation(e))
            {
                // Another node ended them first, or someone revoked one meanwhile: the next tick sees the truth.
            }

            db.ChangeTracker.Clear();
        }

        return made;
    }

    public CertificateView View(Certificate c) => new(
        c.Id, c.Number, c.Version, c.Status.ToString().ToLowerInvariant(), Code(c.Kind), c.ResidentId, c.LockdownId, c.Name, c.Last4, c.Place, c.From, c.To,
        c.Issuer, c.Committee, c.IssuedAt, c.IssuedBy, Qr(c), c.SupersededById, c.RevokedAt, c.RevokeReason);

    /// <summary>What the QR's token says, with short keys; <c>t</c> absent while in force. No document number beyond its last 4.</summary>
    public static object Payload(Certificate c) => new Dictionary<string, object?>
    {
        ["v"] = 1,
        ["id"] = c.Number,
        ["iss"] = c.Issuer,
        ["c"] = c.Committee,
        ["n"] = c.Name,
        ["d4"] = c.Last4,
        ["p"] = c.Place,
        ["k"] = Code(c.Kind),
        ["f"] = c.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["t"] = c.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["iat"] = new DateTimeOffset(c.IssuedAt, TimeSpan.Zero).ToUnixTimeSeconds(),
    }.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);

    private async Task<(Certificate? Certificate, Error? Error)> BuildAsync(
        Resident resident, CertificateKind kind, Guid? lockdownId, DateOnly from, DateOnly? to, Guid? id, Dictionary<Guid, (string Place, string Issuer, string Committee)>? places, CancellationToken cancellationToken)
    {
        var document = (resident.DocumentNumber ?? "").Trim();
        if (document.Length < 4)
        {
            return (null, CertificateErrors.DocumentMissing);
        }

        places ??= await PlacesAsync([resident], cancellationToken);
        var (place, issuer, committee) = places[resident.Id];
        return (new Certificate
        {
            Id = id ?? Guid.CreateVersion7(),
            SubdistrictId = resident.SubdistrictId,
            NeighborhoodId = resident.NeighborhoodId,
            CompoundId = resident.CompoundId,
            BuildingId = resident.BuildingId,
            ResidentId = resident.Id,
            LockdownId = lockdownId,
            Kind = kind,
            Name = resident.Name,
            Last4 = document[^4..].ToUpperInvariant(),
            Place = place,
            From = from,
            To = to,
            Issuer = issuer,
            Committee = committee,
            IssuedAt = clock.GetUtcNow().UtcDateTime,
            IssuedBy = caller.UserName,
        }, null);
    }

    private async Task<Dictionary<Guid, (string Place, string Issuer, string Committee)>> PlacesAsync(IReadOnlyList<Resident> residents, CancellationToken cancellationToken)
    {
        var buildingIds = residents.Select(r => r.BuildingId).Distinct().ToList();
        var buildings = await db.Buildings.AsNoTracking().Where(b => buildingIds.Contains(b.Id))
            .Join(db.Compounds, b => b.CompoundId, c => c.Id, (b, c) => new { b.Id, Place = c.Name + " " + b.Number })
            .ToDictionaryAsync(x => x.Id, x => x.Place, cancellationToken);
        var neighborhoods = await db.Neighborhoods.AsNoTracking().ToDictionaryAsync(n => n.Id, n => n.Name, cancellationToken);
        var subdistricts = await db.Subdistricts.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        return residents.ToDictionary(r => r.Id, r => (buildings.GetValueOrDefault(r.BuildingId, ""), subdistricts.GetValueOrDefault(r.SubdistrictId, ""),
            neighborhoods.GetValueOrDefault(r.NeighborhoodId, "")));
    }

    /// <summary>Numbers <c>JZ{yyMMdd}-{nnnn}</c> in issue order, signed, saved; a number taken meanwhile by another node is drawn again.</summary>
    private async Task SaveNumberedAsync(IReadOnlyList<Certificate> certificates, CancellationToken cancellationToken)
    {
        if (certificates.Count == 0)
        {
            return;
        }

        var prefix = "JZ" + time.Today.ToString("yyMMdd", CultureInfo.InvariantCulture) + "-";
        for (var attempt = 0; ; attempt++)
        {
            var taken = await db.Set<Certificate>().IgnoreQueryFilters().CountAsync(c => c.Number.StartsWith(prefix) && c.Version == 1, cancellationToken);
            for (var i = 0; i < certificates.Count; i++)
            {
                certificates[i].Number = prefix + (taken + 1 + i + (attempt * 7)).ToString("D4", CultureInfo.InvariantCulture);
                await SignAsync(certificates[i], cancellationToken);
            }

            if (attempt == 0)
            {
                db.Set<Certificate>().AddRange(certificates);
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (Exception e) when (DbErrors.IsUniqueViolation(e) && attempt < 10)
            {
                // Another desk took some of these numbers meanwhile: draw again past them.
            }
        }
    }

    private async Task SignAsync(Certificate c, CancellationToken cancellationToken) => (c.Jws, c.Kid) = await signer.SignAsync(c.SubdistrictId, Payload(c), cancellationToken);

    private string BaseUrl() =>
        (notifications.Value.PublicBaseUrl is { Length: > 0 } configured ? configured
        : http.HttpContext?.Request is { } request ? $"{request.Scheme}://{request.Host}" : "").TrimEnd('/');
}
