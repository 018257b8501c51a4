using Cordon.Platform.Data;

namespace Cordon.Platform.Sites;

/// <summary>A place staff report to: a lockdown, with the code of its site QR and the neighborhoods it seals.</summary>
public sealed record Site(Guid Id, Guid SubdistrictId, string Name, string SiteCode, bool InForce, DateTime ReceivedAt, IReadOnlyList<Guid> NeighborhoodIds)
{
    /// <summary>The sealed buildings (filled by <see cref="ISites.FindAsync"/>, empty in lists).</summary>
    public IReadOnlyList<Guid> BuildingIds { get; init; } = [];

    /// <summary>When it was unlocked (filled by <see cref="ISites.FindAsync"/>).</summary>
    public DateTime? UnlockedAt { get; init; }
}

/// <summary>
/// Lockdowns as the call-up feature needs them (docs/decisions/008: features meet in the Platform): where people
/// report, and the arrival that proves the response reached the site. The lockdowns feature answers.
/// </summary>
public interface ISites
{
    /// <summary>A lockdown the caller sees (jurisdiction applies), or null.</summary>
    Task<Site?> FindAsync(CordonDb db, Guid lockdownId, CancellationToken cancellationToken);

    /// <summary>The lockdowns in force the caller sees, newest first (for choosing one).</summary>
    Task<IReadOnlyList<Site>> InForceAsync(CordonDb db, CancellationToken cancellationToken);

    /// <summary>
    /// Evidence that closes a milestone of the lockdown in the caller's unit of work (a leader scanned the site QR:
    /// <c>arrive</c>, and the lockdown becomes active; the sweep packets were made: <c>sweep_ready</c>). False when it
    /// was already closed or the lockdown is no longer in force.
    /// </summary>
    Task<bool> CompleteAsync(CordonDb db, Guid lockdownId, string milestone, DateTime at, string by, string note, CancellationToken cancellationToken);

    /// <summary>Of these lockdowns, those unlocked, with when (for the clock: no jurisdiction applies).</summary>
    Task<IReadOnlyDictionary<Guid, DateTime>> UnlockedAsync(CordonDb db, IReadOnlyCollection<Guid> lockdownIds, CancellationToken cancellationToken);
}

/// <summary>A short code for a site QR: 8 letters and digits without look-alikes (0/O, 1/I/L).</summary>
public static class SiteCodes
{
    private const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    public static string New() => System.Security.Cryptography.RandomNumberGenerator.GetString(Alphabet, 8);

    /// <summary>The code from what a scanner read: the code itself, or a site URL ending in it.</summary>
    public static string FromScan(string? scanned)
    {
        var text = (scanned ?? "").Trim();
        var slash = text.TrimEnd('/').LastIndexOf('/');
        if (slash >= 0)
        {
            text = text.TrimEnd('/')[(slash + 1)..];
        }

        return text.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
    }

    /// <summary>What the site QR holds: the page an arriving phone opens.</summary>
    public static string Url(string baseUrl, string code) => $"{baseUrl.TrimEnd('/')}/c/site/{code}";
}

/// <summary>A block another feature adds to a lockdown's page (its call-ups, later its sweeps), given <c>lockdownId</c>.</summary>
public interface ISiteSection
{
    int Order { get; }

    /// <summary>The view component to render.</summary>
    string Component { get; }
}

/// <summary>One figure a feature adds to each lockdown's card on the board: a label key and its value.</summary>
public sealed record SiteFact(string LabelKey, string Value);

/// <summary>Figures other features add to the lockdown board (people called up, later sweeps), in a fixed number of queries.</summary>
public interface ISiteFacts
{
    Task<Dictionary<Guid, SiteFact>> FactsAsync(CordonDb db, IReadOnlyList<Guid> lockdownIds, CancellationToken cancellationToken);
}

/// <summary>Someone working at a lockdown's site now (arrived, not signed off), as the feature that called them knows them.</summary>
public sealed record CrewMember(Guid StaffId, string Name, bool Leader);

/// <summary>Who is on site for a lockdown: the call-ups' leaders and sweepers, for a sweep round's teams.</summary>
public interface ISiteCrew
{
    Task<IReadOnlyList<CrewMember>> OnSiteAsync(CordonDb db, Guid lockdownId, CancellationToken cancellationToken);
}
