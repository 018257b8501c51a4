using Cordon.Platform.Auth;
using Cordon.Platform.Data;
using Cordon.Platform.Localization;
using Cordon.Platform.Notifications;
using Cordon.Platform.People;
using Cordon.Platform.Places;
using Cordon.Platform.Sites;
using Cordon.Platform.Time;
using Cordon.Platform.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cordon.Features.Staffing;

public sealed record NeedRequest(string? Role, int? Count);

/// <summary>Someone the commander adds by hand; a reason is needed when the rules would not propose them.</summary>
public sealed record AddRequest(Guid? StaffId, string? Role, string? Reason);

public sealed record CallUpRequest(
    Guid? Id, Guid? LockdownId, Guid? NeighborhoodId, string? Title, string? ReportTo, List<NeedRequest?>? Needs, string? Message,
    int? WaitMinutes, List<Guid>? Exclude, List<AddRequest?>? Add);

public sealed record Candidate(Guid StaffId, string Name, string Organisation, int Ring, int TravelMinutes, string State, DateTime? Until, string? Why);

public sealed record RingCount(int Ring, int People);

/// <summary>For one quota: who would be called now (the first ring that has anyone), and how many the later rings hold.</summary>
public sealed record NeedProposal(string Role, int Count, IReadOnlyList<Candidate> Now, IReadOnlyList<RingCount> Rings, IReadOnlyList<Candidate> NotProposed);

public sealed record Proposal(bool Night, int WaitMinutes, IReadOnlyList<NeedProposal> Needs);

/// <summary>
/// Call-ups, for the API, the pages and the clock alike: propose by rings, call, escalate by quota, take answers
/// and arrivals from personal links, sign people off. Quotas are counted from the invitations every time, so a
/// retried answer or a restart never counts anyone twice.
/// </summary>
public sealed class CallUpDesk(
    CordonDb db, Caller caller, Catalog catalog, TimeProvider clock, LocalTime time, Notifier notifier, ISites sites,
    IOptions<StaffingOptions> options, IOptions<NotificationOptions> notificationOptions)
{
    public const int MaxNeeds = 7;
    public const int MaxCount = 500;
    private const string TokenLetters = "abcdefghijklmnopqrstuvwxyz";

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private StaffingOptions Options => options.Value;

    private static string Code(StaffRoles role) => StaffRules.Code(role);

    private static StaffRoles? ParseRole(string? code) => StaffRules.ParseRole(code) is var role && role != StaffRoles.None ? role : null;

    public static string LinkPath(string token) => "/c/" + token;

    public bool IsNight(DateTime utc)
    {
        var hour = time.ToLocal(utc).Hour;
        return Options.NightFrom > Options.NightTo ? hour >= Options.NightFrom || hour < Options.NightTo : hour >= Options.NightFrom && hour < Options.NightTo;
    }

    public async Task<(Proposal? Proposal, Error? Error)> ProposeAsync(CallUpRequest body, CancellationToken cancellationToken)
    {
        var (plan, error) = await CheckAsync(body, cancellationToken);
        if (error is not null)
        {
            return (null, error);
        }

        var now = Now;
        var pool = await PoolAsync(caller.SubdistrictId, null, now, cancellationToken);
        var taken = new HashSet<Guid>(body.Exclude ?? []);
        var needs = new List<NeedProposal>();
        foreach (var (role, count) in plan!.Needs)
        {
            var wave = NextWave(pool, role, count, plan.Neighborhoods, taken, now);
            taken.UnionWith(wave.Select(c => c.Member.Id));
            var rings = pool.Values.Where(p => (p.Member.Roles & role) != 0 && !taken.Contains(p.Member.Id) && Eligible(p, now) is null)
                .GroupBy(p => Ring(p.Member, plan.Neighborhoods)).OrderBy(g => g.Key).Select(g => new RingCount(g.Key, g.Count())).ToList();
            var notProposed = pool.Values.Where(p => (p.Member.Roles & role) != 0 && Eligible(p, now) is not null)
                .OrderBy(p => p.Member.TravelMinutes).Take(50).Select(p => ToCandidate(p, plan.Neighborhoods, now)).ToList();
            needs.Add(new NeedProposal(Code(role), count, [.. wave.Select(c => ToCandidate(c, plan.Neighborhoods, now))], rings, notProposed));
        }

        return (new Proposal(IsNight(now), plan.WaitMinutes, needs), null);
    }

    public async Task<(CallUp? CallUp, bool Created, Error? Error)> CreateAsync(CallUpRequest body, string requestBase, CancellationToken cancellationToken)
    {
        if (body.Id is { } clientId && await db.Set<CallUp>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == clientId, cancellationToken) is { } first)
        {
            return (first, false, null);
        }

        var (plan, error) = await CheckAsync(body, cancellationToken);
        if (error is not null)
        {
            return (null, false, error);
        }

        var now = Now;
        var callUp = new CallUp
        {
            Id = body.Id ?? Guid.CreateVersion7(),
            SubdistrictId = caller.SubdistrictId,
            LockdownId = plan!.Site?.Id,
            Title = plan.Title,
            ReportTo = plan.ReportTo,
            Message = plan.Message,
            Neighborhoods = string.Join(',', plan.Neighborhoods),
            SiteCode = plan.Site?.SiteCode ?? SiteCodes.New(),
            BaseUrl = (notificationOptions.Value.PublicBaseUrl is { Length: > 0 } configured ? configured : requestBase).TrimEnd('/'),
            State = CallUpState.Open,
            WaitMinutes = plan.WaitMinutes,
            CreatedAt = now,
            CreatedBy = caller.UserName,
            ExpiresAt = now.AddHours(Options.LinkHours),
            Excluded = string.Join(',', (body.Exclude ?? []).Distinct()),
        };
        db.Set<CallUp>().Add(callUp);
        var needs = plan.Needs.Select((n, i) => new CallUpNeed
        {
            SubdistrictId = callUp.SubdistrictId,
            CallUpId = callUp.Id,
            Role = n.Role,
            Count = n.Count,
            Order = i,
        }).ToList();
        db.Set<CallUpNeed>().AddRange(needs);

        var pool = await PoolAsync(callUp.SubdistrictId, null, now, cancellationToken);
        var invitations = new List<Invitation>();
        foreach (var add in body.Add ?? [])
        {
            if (await AddByHandAsync(callUp, needs, invitations, pool, add!, now) is { } addError)
            {
                db.ChangeTracker.Clear();
                return (null, false, addError);
            }
        }

        await EvaluateAsync(callUp, needs, invitations, pool, now, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (body.Id is { } raced)
        {
            // The same call-up sent twice at once: the first stands, and is the answer.
            db.ChangeTracker.Clear();
            return (await db.Set<CallUp>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == raced, cancellationToken), false, null);
        }

        return (callUp, true, null);
    }

    /// <summary>The commander calls one more person (by hand, or despite the rules with a reason).</summary>
    public async Task<Error?> InviteAsync(CallUp callUp, AddRequest add, CancellationToken cancellationToken)
    {
        if (callUp.State == CallUpState.Closed)
        {
            return CallUpErrors.Closed;
        }

        var now = Now;
        var needs = await db.Set<CallUpNeed>().Where(n => n.CallUpId == callUp.Id).OrderBy(n => n.Order).ToListAsync(cancellationToken);
        var invitations = await db.Set<Invitation>().Where(i => i.CallUpId == callUp.Id).ToListAsync(cancellationToken);
        var pool = await PoolAsync(callUp.SubdistrictId, callUp.Id, now, cancellationToken);
        if (await AddByHandAsync(callUp, needs, invitations, pool, add, now) is { } error)
        {
            return error;
        }

        await EvaluateAsync(callUp, needs, invitations, null, now, cancellationToken);
        return await SaveAsync(cancellationToken);
    }

    /// <summary>The clock: every open call-up whose ring has waited long enough calls its next ring.</summary>
    public async Task<int> EscalateDueAsync(DateTime now, CancellationToken cancellationToken)
    {
        var due = await db.Set<CallUp>().IgnoreQueryFilters()
            .Where(c => (c.State == CallUpState.Open || c.State == CallUpState.Short) && c.ExpiresAt > now
                && db.Set<CallUpNeed>().IgnoreQueryFilters().Any(n => n.CallUpId == c.Id && n.NextRingAt != null && n.NextRingAt <= now))
            .OrderBy(c => c.CreatedAt).Take(100).ToListAsync(cancellationToken);
        foreach (var callUp in due)
        {
            var needs = await db.Set<CallUpNeed>().IgnoreQueryFilters().Where(n => n.CallUpId == callUp.Id).OrderBy(n => n.Order).ToListAsync(cancellationToken);
            var invitations = await db.Set<Invitation>().IgnoreQueryFilters().Where(i => i.CallUpId == callUp.Id).ToListAsync(cancellationToken);
            await EvaluateAsync(callUp, needs, invitations, null, now, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        return due.Count;
    }

    public async Task<Error?> CloseAsync(CallUp callUp, CancellationToken cancellationToken)
    {
        if (callUp.State == CallUpState.Closed)
        {
            return null;
        }

        callUp.State = CallUpState.Closed;
        callUp.ClosedAt = Now;
        callUp.Version++;
        foreach (var invitation in await db.Set<Invitation>().Where(i => i.CallUpId == callUp.Id && i.State == InvitationState.Waiting).ToListAsync(cancellationToken))
        {
            await StandDownAsync(invitation, cancellationToken);
        }

        return await SaveAsync(cancellationToken);
    }

    // ——— personal links ———

    /// <summary>The invitation of a personal link, acting for its sub-district from here on; or why the link does not work.</summary>
    public async Task<(Invitation? Invitation, CallUp? CallUp, Error? Error)> OpenAsync(string? token, bool forArrival, CancellationToken cancellationToken)
    {
        if (token is not { Length: 26 } || token.Any(c => c is < 'a' or > 'z'))
        {
            return (null, null, CallUpErrors.LinkInvalid);
        }

        var invitation = await db.Set<Invitation>().IgnoreQueryFilters().SingleOrDefaultAsync(i => i.Token == token, cancellationToken);
        var callUp = invitation is null ? null : await db.Set<CallUp>().IgnoreQueryFilters().SingleAsync(c => c.Id == invitation.CallUpId, cancellationToken);
        if (invitation is null || callUp is null)
        {
            return (null, null, CallUpErrors.LinkInvalid);
        }

        if (Now >= callUp.ExpiresAt)
        {
            return (null, null, CallUpErrors.LinkExpired);
        }

        if (callUp.State == CallUpState.Closed && !forArrival)
        {
            return (invitation, callUp, CallUpErrors.Closed);
        }

        var name = await db.Set<StaffMember>().IgnoreQueryFilters().Where(s => s.Id == invitation.StaffId).Select(s => s.Name).SingleAsync(cancellationToken);
        caller.ActForSubdistrict(callUp.SubdistrictId, "link:" + Names.Mask(name));
        return (invitation, callUp, null);
    }

    /// <summary>"我来" with minutes to arrive, or "来不了". An answer silences the person's other channels.</summary>
    public async Task<Error?> RespondAsync(Invitation invitation, CallUp callUp, string? answer, int? etaMinutes, CancellationToken cancellationToken)
    {
        var coming = answer switch
        {
            "coming" => true,
            "cannot" => false,
            _ => (bool?)null,
        };
        if (coming is null)
        {
            return CallUpErrors.AnswerInvalid;
        }

        if (coming == true && etaMinutes is not (>= 0 and <= 600))
        {
            return CallUpErrors.EtaInvalid;
        }

        if (invitation.ArrivedAt is not null)
        {
            return null;
        }

        var wanted = coming == true ? InvitationState.Coming : InvitationState.Cannot;
        if (invitation.State == wanted && (coming == false || invitation.EtaMinutes == etaMinutes))
        {
            return null;
        }

        var now = Now;
        var needs = await db.Set<CallUpNeed>().Where(n => n.CallUpId == callUp.Id).OrderBy(n => n.Order).ToListAsync(cancellationToken);
        var invitations = await db.Set<Invitation>().Where(i => i.CallUpId == callUp.Id).ToListAsync(cancellationToken);
        var mine = invitations.Single(i => i.Id == invitation.Id);
        var need = needs.Single(n => n.Role == mine.Role);
        // Someone the commander called by hand (ring 0) is wanted whatever the count.
        if (coming == true && mine.State != InvitationState.Coming && mine.Ring != 0
            && invitations.Count(i => i.Role == mine.Role && i.State == InvitationState.Coming) >= need.Count)
        {
            return CallUpErrors.QuotaMet;
        }

        mine.State = wanted;
        mine.AnsweredAt = now;
        mine.EtaMinutes = coming == true ? etaMinutes : null;
        mine.Version++;
        await notifier.WithdrawAsync(callUp.SubdistrictId, $"callup:{mine.Id}:", cancellationToken);
        await EvaluateAsync(callUp, needs, invitations, null, now, cancellationToken);
        return await SaveAsync(cancellationToken);
    }

    /// <summary>
    /// Arrival proved on site: the code of the site QR, scanned by the person's phone. Starts their time on duty; the
    /// first leader's arrival closes the lockdown's <c>arrive</c> milestone. A second scan changes nothing.
    /// </summary>
    public async Task<Error?> ArriveAsync(Invitation invitation, CallUp callUp, string? siteCode, CancellationToken cancellationToken)
    {
        if (SiteCodes.FromScan(siteCode) != callUp.SiteCode.ToUpperInvariant())
        {
            return CallUpErrors.SiteCodeWrong;
        }

        if (invitation.ArrivedAt is not null)
        {
            return null;
        }

        var now = Now;
        var tracked = await db.Set<Invitation>().SingleAsync(i => i.Id == invitation.Id, cancellationToken);
        tracked.ArrivedAt = now;
        if (tracked.State != InvitationState.Coming)
        {
            // Came without answering (or after "can't", or stood down): they are here, so they count.
            tracked.State = InvitationState.Coming;
            tracked.AnsweredAt ??= now;
        }

        tracked.Version++;
        await notifier.WithdrawAsync(callUp.SubdistrictId, $"callup:{tracked.Id}:", cancellationToken);
        foreach (var open in await db.Set<DutyShift>().Where(d => d.StaffId == tracked.StaffId && d.EndedAt == null).ToListAsync(cancellationToken))
        {
            // On duty elsewhere until now: one place at a time.
            open.EndedAt = now;
            open.EndedBy = caller.UserName;
        }

        db.Set<DutyShift>().Add(new DutyShift
        {
            SubdistrictId = callUp.SubdistrictId,
            StaffId = tracked.StaffId,
            CallUpId = callUp.Id,
            LockdownId = callUp.LockdownId,
            StartedAt = now,
        });
        if (tracked.Role == StaffRoles.Leader && callUp.LockdownId is { } lockdownId)
        {
            await sites.CompleteAsync(db, lockdownId, "arrive", now, caller.UserName, catalog.Both("callup.arrive-note").Zh, cancellationToken);
        }

        var needs = await db.Set<CallUpNeed>().Where(n => n.CallUpId == callUp.Id).OrderBy(n => n.Order).ToListAsync(cancellationToken);
        var invitations = await db.Set<Invitation>().Where(i => i.CallUpId == callUp.Id).ToListAsync(cancellationToken);
        await EvaluateAsync(callUp, needs, invitations, null, now, cancellationToken);
        return await SaveAsync(cancellationToken);
    }

    /// <summary>
    /// Sign-off by personal link: the holder signs themselves off, or a leader who has arrived signs off a member of
    /// the same call-up who has arrived too.
    /// </summary>
    public async Task<Error?> SignOffByLinkAsync(Invitation invitation, CallUp callUp, Guid? staffId, CancellationToken cancellationToken)
    {
        var who = staffId ?? invitation.StaffId;
        if (who != invitation.StaffId && (invitation.Role != StaffRoles.Leader || invitation.ArrivedAt is null
            || !await db.Set<Invitation>().AnyAsync(i => i.CallUpId == callUp.Id && i.StaffId == who && i.ArrivedAt != null, cancellationToken)))
        {
            return CallUpErrors.NotYourTeam;
        }

        return (await SignOffAsync(who, cancellationToken)).Error;
    }

    /// <summary>Ends a person's time on duty (by themselves, their leader or a commander).</summary>
    public async Task<(DutyShift? Shift, Error? Error)> SignOffAsync(Guid staffId, CancellationToken cancellationToken)
    {
        var shift = await db.Set<DutyShift>().Where(d => d.StaffId == staffId && d.EndedAt == null).OrderByDescending(d => d.StartedAt).FirstOrDefaultAsync(cancellationToken);
        if (shift is null)
        {
            return (null, CallUpErrors.NotOnDuty);
        }

        shift.EndedAt = Now;
        shift.EndedBy = caller.UserName;
        return (shift, await SaveAsync(cancellationToken));
    }

    // ——— views ———

    public sealed record NeedView(string Role, int Count, int Coming, int Arrived, int Waiting, int Ring, DateTime? NextRingAt, bool Exhausted);

    public sealed record InvitationView(
        Guid Id, Guid StaffId, string Name, string? Mobile, string Organisation, string Role, int Ring, string? Token, string State, DateTime InvitedAt,
        DateTime? AnsweredAt, int? EtaMinutes, DateTime? ExpectedAt, DateTime? ArrivedAt, bool Late, string? OverrideReason, bool OnDuty);

    public sealed record CallUpView(
        Guid Id, Guid? LockdownId, string Title, string ReportTo, string Message, string State, DateTime CreatedAt, string CreatedBy, DateTime ExpiresAt,
        int WaitMinutes, string SiteCode, string SiteUrl, IReadOnlyList<NeedView> Needs, IReadOnlyList<InvitationView> Invitations);

    /// <summary>The commander's view: every quota as need / coming / arrived, every person's answer, ETA and arrival (tokens included).</summary>
    public async Task<CallUpView> ViewAsync(CallUp callUp, CancellationToken cancellationToken)
    {
        var now = Now;
        var needs = await db.Set<CallUpNeed>().AsNoTracking().Where(n => n.CallUpId == callUp.Id).OrderBy(n => n.Order).ToListAsync(cancellationToken);
        var rows = await db.Set<Invitation>().AsNoTracking().Where(i => i.CallUpId == callUp.Id)
            .Join(db.Set<StaffMember>(), i => i.StaffId, s => s.Id, (i, s) => new { i, s.Name, s.Mobile, s.Organisation })
            .OrderBy(x => x.i.Role).ThenBy(x => x.i.Ring).ThenBy(x => x.i.InvitedAt).ThenBy(x => x.Name).ToListAsync(cancellationToken);
        var staff = rows.Select(r => r.i.StaffId).ToList();
        var onDuty = (await db.Set<DutyShift>().AsNoTracking().Where(d => d.CallUpId == callUp.Id && d.EndedAt == null).Select(d => d.StaffId).ToListAsync(cancellationToken)).ToHashSet();
        var seesPhones = caller.Can(Permission.ManageStaff);
        return new CallUpView(
            callUp.Id, callUp.LockdownId, callUp.Title, callUp.ReportTo, callUp.Message, Lower(callUp.State), callUp.CreatedAt, callUp.CreatedBy, callUp.ExpiresAt,
            callUp.WaitMinutes, callUp.SiteCode, SiteCodes.Url(callUp.BaseUrl, callUp.SiteCode),
            [.. needs.Select(n => new NeedView(
                Code(n.Role), n.Count,
                rows.Count(r => r.i.Role == n.Role && r.i.State == InvitationState.Coming),
                rows.Count(r => r.i.Role == n.Role && r.i.ArrivedAt != null),
                rows.Count(r => r.i.Role == n.Role && r.i.State == InvitationState.Waiting),
                n.Ring, n.NextRingAt, n.Exhausted))],
            [.. rows.Select(r => new InvitationView(
                r.i.Id, r.i.StaffId, r.Name, seesPhones ? r.Mobile : Mask.Phone(r.Mobile), r.Organisation, Code(r.i.Role), r.i.Ring, seesPhones ? r.i.Token : null,
                Lower(r.i.State), r.i.InvitedAt, r.i.AnsweredAt, r.i.EtaMinutes, r.i.ExpectedAt, r.i.ArrivedAt, IsLate(r.i, now), r.i.OverrideReason, onDuty.Contains(r.i.StaffId)))]);
    }

    public bool IsLate(Invitation i, DateTime now) =>
        i.State == InvitationState.Coming && i.ArrivedAt is null && i.ExpectedAt is { } expected && now > expected.AddMinutes(Options.LateAfterMinutes);

    public static string Lower<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        return name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + System.Text.RegularExpressions.Regex.Replace(name[1..], "[A-Z]", m => "_" + char.ToLowerInvariant(m.Value[0]));
    }

    // ——— the rings ———

    /// <summary>One person of the roster with their state under the fatigue rules, and whether another call-up holds them.</summary>
    public sealed record PoolMember(StaffMember Member, FatigueStatus Fatigue, bool Committed);

    private sealed record Plan(Site? Site, string Title, string ReportTo, string Message, IReadOnlyList<Guid> Neighborhoods, IReadOnlyList<(StaffRoles Role, int Count)> Needs, int WaitMinutes);

    private async Task<(Plan? Plan, Error? Error)> CheckAsync(CallUpRequest body, CancellationToken cancellationToken)
    {
        Site? site = null;
        List<Guid> neighborhoods = [];
        if (body.LockdownId is { } lockdownId)
        {
            site = await sites.FindAsync(db, lockdownId, cancellationToken);
            if (site is null)
            {
                return (null, CallUpErrors.LockdownNotFound);
            }

            if (!site.InForce)
            {
                return (null, CallUpErrors.LockdownNotInForce);
            }

            neighborhoods = [.. site.NeighborhoodIds];
        }
        else if (body.NeighborhoodId is { } neighborhoodId)
        {
            if (!await db.Set<Neighborhood>().AnyAsync(n => n.Id == neighborhoodId, cancellationToken))
            {
                return (null, CallUpErrors.NeighborhoodNotFound);
            }

            neighborhoods = [neighborhoodId];
        }

        var (reportTo, reportOk) = Reasons.Check(body.ReportTo, 100);
        if (reportTo.Length == 0)
        {
            return (null, CallUpErrors.ReportToRequired);
        }

        var (message, messageOk) = Reasons.Check(body.Message, 300);
        var (title, titleOk) = Reasons.Check(body.Title, 64);
        if (!reportOk || (!messageOk && message.Length > 0) || (!titleOk && title.Length > 0))
        {
            return (null, CallUpErrors.TextInvalid);
        }

        if (body.Needs is not { Count: > 0 and <= MaxNeeds } || body.Needs.Any(n => n is null))
        {
            return (null, CallUpErrors.NeedsInvalid);
        }

        var needs = new List<(StaffRoles, int)>();
        foreach (var need in body.Needs)
        {
            if (ParseRole(need!.Role) is not { } role)
            {
                return (null, CallUpErrors.RoleInvalid);
            }

            if (need.Count is not (>= 1 and <= MaxCount) || needs.Any(n => n.Item1 == role))
            {
                return (null, CallUpErrors.NeedsInvalid);
            }

            needs.Add((role, need.Count.Value));
        }

        if (body.WaitMinutes is not null and not (>= 1 and <= 120) || body.Add?.Count > 100 || body.Exclude?.Count > 200 || body.Add?.Any(a => a is null) == true)
        {
            return (null, body.WaitMinutes is not null and not (>= 1 and <= 120) ? CallUpErrors.WaitInvalid : CallUpErrors.NeedsInvalid);
        }

        var wait = body.WaitMinutes ?? (IsNight(Now) ? Options.WaitMinutesNight : Options.WaitMinutesDay);
        title = site?.Name ?? (title.Length > 0 ? title : catalog.Both("callup.default-title", time.FormatNow()).Zh);
        return (new Plan(site, title, reportTo, message, neighborhoods, needs, wait), null);
    }

    /// <summary>The sub-district's active roster with everyone's fatigue state: three queries whatever its size.</summary>
    public async Task<Dictionary<Guid, PoolMember>> PoolAsync(Guid subdistrictId, Guid? callUpId, DateTime now, CancellationToken cancellationToken)
    {
        var staff = await db.Set<StaffMember>().IgnoreQueryFilters().AsNoTracking().Where(s => s.SubdistrictId == subdistrictId && s.Active).ToListAsync(cancellationToken);
        var since = now - Fatigue.Lookback;
        var shifts = (await db.Set<DutyShift>().IgnoreQueryFilters().AsNoTracking()
                .Where(d => d.SubdistrictId == subdistrictId && (d.EndedAt == null || d.EndedAt > since))
                .Select(d => new { d.StaffId, d.StartedAt, d.EndedAt }).ToListAsync(cancellationToken))
            .ToLookup(d => d.StaffId, d => (d.StartedAt, d.EndedAt));
        var committed = (await db.Set<Invitation>().IgnoreQueryFilters().AsNoTracking()
                .Where(i => i.SubdistrictId == subdistrictId && i.CallUpId != callUpId && i.State == InvitationState.Coming && i.ArrivedAt == null
                    && db.Set<CallUp>().IgnoreQueryFilters().Any(c => c.Id == i.CallUpId && c.State != CallUpState.Closed && c.ExpiresAt > now))
                .Select(i => i.StaffId).ToListAsync(cancellationToken)).ToHashSet();
        var rules = await RulesAsync(db, subdistrictId, cancellationToken);
        return staff.ToDictionary(s => s.Id, s => new PoolMember(s, Fatigue.Of([.. shifts[s.Id]], rules, now, time.Zone), committed.Contains(s.Id)));
    }

    public static async Task<FatigueRules> RulesAsync(CordonDb db, Guid subdistrictId, CancellationToken cancellationToken) =>
        await db.Set<FatigueRules>().IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(r => r.SubdistrictId == subdistrictId, cancellationToken)
            ?? new FatigueRules { SubdistrictId = subdistrictId };

    /// <summary>Ring 1: they live in the neighborhood; 2: within 30 minutes; 3: within an hour; 4: further.</summary>
    public static int Ring(StaffMember member, IReadOnlyList<Guid> neighborhoods) =>
        member.NeighborhoodId is { } home && neighborhoods.Contains(home) ? 1 : member.TravelMinutes <= 30 ? 2 : member.TravelMinutes <= 60 ? 3 : 4;

    /// <summary>Why the rules would not propose them now (null: they may be called).</summary>
    public string? Eligible(PoolMember p, DateTime now) =>
        !p.Fatigue.Callable ? Lower(p.Fatigue.State)
        : p.Committed ? "committed"
        : IsNight(now) && !p.Member.NightCallable ? "night"
        : null;

    /// <summary>
    /// The next ring for a quota: the nearest ring that still has eligible people not yet called, nearest first,
    /// at most twice the shortfall (at 3 a.m. not everyone answers; nobody is woken for nothing).
    /// </summary>
    private List<PoolMember> NextWave(Dictionary<Guid, PoolMember> pool, StaffRoles role, int shortfall, IReadOnlyList<Guid> neighborhoods, HashSet<Guid> taken, DateTime now)
    {
        var candidates = pool.Values
            .Where(p => (p.Member.Roles & role) != 0 && !taken.Contains(p.Member.Id) && Eligible(p, now) is null)
            .Select(p => (p, Ring: Ring(p.Member, neighborhoods)))
            .OrderBy(c => c.Ring).ThenBy(c => c.p.Member.TravelMinutes).ThenBy(c => c.p.Member.Name, StringComparer.Ordinal).ToList();
        if (candidates.Count == 0)
        {
            return [];
        }

        var ring = candidates[0].Ring;
        return [.. candidates.Where(c => c.Ring == ring).Take(Math.Max(shortfall * 2, shortfall + 2)).Select(c => c.p)];
    }

    private Candidate ToCandidate(PoolMember p, IReadOnlyList<Guid> neighborhoods, DateTime now) =>
        new(p.Member.Id, p.Member.Name, p.Member.Organisation, Ring(p.Member, neighborhoods), p.Member.TravelMinutes, Lower(p.Fatigue.State), p.Fatigue.Until, Eligible(p, now));

    private async Task<Error?> AddByHandAsync(CallUp callUp, List<CallUpNeed> needs, List<Invitation> invitations, Dictionary<Guid, PoolMember> pool, AddRequest add, DateTime now)
    {
        if (add.StaffId is not { } staffId || !pool.TryGetValue(staffId, out var person))
        {
            return CallUpErrors.StaffNotFound;
        }

        var role = ParseRole(add.Role) ?? needs.Select(n => n.Role).FirstOrDefault(r => (person.Member.Roles & r) != 0);
        if (role == StaffRoles.None || needs.All(n => n.Role != role))
        {
            return CallUpErrors.RoleInvalid;
        }

        if (invitations.Any(i => i.StaffId == staffId))
        {
            return CallUpErrors.AlreadyInvited;
        }

        var why = Eligible(person, now);
        var (reason, reasonOk) = Reasons.Check(add.Reason);
        if (why is not null && !reasonOk)
        {
            return CallUpErrors.OverrideReasonMissing;
        }

        var invitation = Invite(callUp, person.Member, role, 0, now);
        if (why is not null)
        {
            invitation.OverrideReason = reason;
            db.Audit(Platform.Audit.AuditAction.Update, nameof(Invitation), invitation.Id.ToString(), reason, new Dictionary<string, string?[]>
            {
                ["Override"] = [why, Code(role)],
                ["StaffId"] = [null, staffId.ToString()],
                ["CallUpId"] = [null, callUp.Id.ToString()],
            });
        }

        invitations.Add(invitation);
        await MessageAsync(callUp, [(invitation, person.Member)], CancellationToken.None);
        return null;
    }

    /// <summary>
    /// Brings a call-up up to date: a quota covered stops calling and stands down who has not answered; a quota whose
    /// ring has waited long enough (or has answered in full) calls the next ring; no ring left is told to the
    /// commander, once.
    /// </summary>
    private async Task EvaluateAsync(CallUp callUp, List<CallUpNeed> needs, List<Invitation> invitations, Dictionary<Guid, PoolMember>? pool, DateTime now, CancellationToken cancellationToken)
    {
        if (callUp.State == CallUpState.Closed)
        {
            return;
        }

        var invited = new List<(Invitation, StaffMember)>();
        foreach (var need in needs)
        {
            var coming = invitations.Count(i => i.Role == need.Role && i.State == InvitationState.Coming);
            var waiting = invitations.Count(i => i.Role == need.Role && i.State == InvitationState.Waiting);
            if (coming >= need.Count)
            {
                foreach (var extra in invitations.Where(i => i.Role == need.Role && i.State == InvitationState.Waiting && i.Ring != 0))
                {
                    await StandDownAsync(extra, cancellationToken);
                }

                need.NextRingAt = null;
                continue;
            }

            if (need.Exhausted || (need.NextRingAt > now && waiting > 0))
            {
                continue;
            }

            pool ??= await PoolAsync(callUp.SubdistrictId, callUp.Id, now, cancellationToken);
            var taken = new HashSet<Guid>(callUp.ExcludedIds);
            taken.UnionWith(invitations.Select(i => i.StaffId));
            var wave = NextWave(pool, need.Role, need.Count - coming, callUp.NeighborhoodIds, taken, now);
            if (wave.Count == 0)
            {
                need.Exhausted = true;
                need.NextRingAt = null;
                var (zh, en) = catalog.Both("callup.notify.short", callUp.Title, catalog.Both("staff.role." + Code(need.Role)).Zh, need.Count - coming);
                await notifier.AddAsync(callUp.SubdistrictId, new Message($"callup:{callUp.Id}:short:{Code(need.Role)}", $"{zh} / {en}", catalog.Both("callup.notify.short-body").Zh, Link(callUp.Id)),
                    new Audience(Permission.Command, [.. await UserIdsAsync(callUp.SubdistrictId, [callUp.CreatedBy], cancellationToken)]), cancellationToken);
                continue;
            }

            var ring = Ring(wave[0].Member, callUp.NeighborhoodIds);
            need.Ring = ring;
            need.NextRingAt = now.AddMinutes(callUp.WaitMinutes);
            foreach (var person in wave)
            {
                var invitation = Invite(callUp, person.Member, need.Role, ring, now);
                invitations.Add(invitation);
                invited.Add((invitation, person.Member));
            }
        }

        await MessageAsync(callUp, invited, cancellationToken);
        var state = needs.All(n => invitations.Count(i => i.Role == n.Role && i.State == InvitationState.Coming) >= n.Count) ? CallUpState.Filled
            : needs.Any(n => n.Exhausted && invitations.Count(i => i.Role == n.Role && i.State == InvitationState.Coming) < n.Count) ? CallUpState.Short
            : CallUpState.Open;
        if (state != callUp.State)
        {
            callUp.State = state;
            callUp.Version++;
            if (state == CallUpState.Filled)
            {
                var (zh, en) = catalog.Both("callup.notify.filled", callUp.Title);
                await notifier.AddAsync(callUp.SubdistrictId, new Message($"callup:{callUp.Id}:filled", $"{zh} / {en}", "", Link(callUp.Id)),
                    new Audience(null, [.. await UserIdsAsync(callUp.SubdistrictId, [callUp.CreatedBy], cancellationToken)]), cancellationToken);
            }
        }
    }

    private Invitation Invite(CallUp callUp, StaffMember member, StaffRoles role, int ring, DateTime now)
    {
        var invitation = new Invitation
        {
            SubdistrictId = callUp.SubdistrictId,
            CallUpId = callUp.Id,
            StaffId = member.Id,
            Role = role,
            Ring = ring,
            Token = System.Security.Cryptography.RandomNumberGenerator.GetString(TokenLetters, 26),
            State = InvitationState.Waiting,
            InvitedAt = now,
            InvitedBy = caller.UserName,
        };
        db.Set<Invitation>().Add(invitation);
        return invitation;
    }

    private async Task StandDownAsync(Invitation invitation, CancellationToken cancellationToken)
    {
        invitation.State = InvitationState.StoodDown;
        invitation.Version++;
        await notifier.WithdrawAsync(invitation.SubdistrictId, $"callup:{invitation.Id}:", cancellationToken);
    }

    /// <summary>
    /// The messages of newly called people: one robot message per team group (their organisation's robot, else the
    /// sub-district's) listing masked names with personal links, sent whole; in-app for account holders; a text
    /// message a little later, withdrawn if they answer first. No phone or ID number in any text.
    /// </summary>
    private async Task MessageAsync(CallUp callUp, List<(Invitation Invitation, StaffMember Member)> invited, CancellationToken cancellationToken)
    {
        if (invited.Count == 0)
        {
            return;
        }

        var robots = await db.Set<TeamRobot>().IgnoreQueryFilters().AsNoTracking().Where(r => r.SubdistrictId == callUp.SubdistrictId)
            .ToDictionaryAsync(r => r.Organisation, r => r.WeComWebhook, cancellationToken);
        var where = catalog.Both("callup.notify.report-to", callUp.ReportTo).Zh;
        foreach (var team in invited.GroupBy(x => robots.ContainsKey(x.Member.Organisation) ? x.Member.Organisation : ""))
        {
            var chunk = 0;
            foreach (var part in team.Chunk(12))
            {
                var lines = string.Join('\n', part.Select(x =>
                    $"- {Names.Mask(x.Member.Name)}（{catalog.Both("staff.role." + Code(x.Invitation.Role)).Zh}）[我来 / 来不了]({callUp.BaseUrl}{LinkPath(x.Invitation.Token)})"));
                var body = $"{where}\n{(callUp.Message.Length > 0 ? callUp.Message + "\n" : "")}{lines}";
                var (zh, en) = catalog.Both("callup.notify.title", callUp.Title);
                await notifier.AddAsync(
                    callUp.SubdistrictId,
                    new Message($"callup:{callUp.Id}:wave:{part[0].Invitation.Id}:{chunk++}", $"{zh} / {en}", body) { NoDigest = true },
                    new Audience(null, [], Robot: true) { RobotUrl = team.Key.Length > 0 ? robots[team.Key] : null },
                    cancellationToken);
            }
        }

        var accounts = await UserIdsByNameAsync(callUp.SubdistrictId, [.. invited.Select(x => x.Member.UserName).OfType<string>()], cancellationToken);
        var smsAt = Now.AddMinutes(Options.SmsAfterMinutes);
        foreach (var (invitation, member) in invited)
        {
            var role = catalog.Both("staff.role." + Code(invitation.Role)).Zh;
            if (member.UserName is { } userName && accounts.TryGetValue(userName, out var userId))
            {
                var (zh, en) = catalog.Both("callup.notify.personal", callUp.Title, role);
                await notifier.AddAsync(callUp.SubdistrictId, new Message($"callup:{invitation.Id}:app", $"{zh} / {en}", where, LinkPath(invitation.Token)),
                    new Audience(null, [userId], Robot: false), cancellationToken);
            }

            await notifier.AddSmsAsync(callUp.SubdistrictId, member.Mobile, $"callup:{invitation.Id}:sms",
                catalog.Both("callup.sms", callUp.Title, role, callUp.ReportTo, callUp.BaseUrl + LinkPath(invitation.Token)).Zh, smsAt, cancellationToken);
        }
    }

    private async Task<List<string>> UserIdsAsync(Guid subdistrictId, IReadOnlyList<string> userNames, CancellationToken cancellationToken) =>
        [.. (await UserIdsByNameAsync(subdistrictId, userNames, cancellationToken)).Values];

    private async Task<Dictionary<string, string>> UserIdsByNameAsync(Guid subdistrictId, IReadOnlyList<string> userNames, CancellationToken cancellationToken) =>
        userNames.Count == 0 ? [] : await db.Users.IgnoreQueryFilters().Where(u => u.SubdistrictId == subdistrictId && u.IsActive && userNames.Contains(u.UserName!))
            .ToDictionaryAsync(u => u.UserName!, u => u.Id, cancellationToken);

    public static string Link(Guid id) => $"/CallUps/Details?id={id}";

    private async Task<Error?> SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return CallUpErrors.Changed;
        }
    }
}
