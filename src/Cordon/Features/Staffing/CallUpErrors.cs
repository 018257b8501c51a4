using Cordon.Platform.Web;

namespace Cordon.Features.Staffing;

/// <summary>Expected refusals of call-ups, answers and duty. Texts: <c>error.{code}</c> in Staffing.strings.json.</summary>
public static class CallUpErrors
{
    public static readonly Error LockdownNotFound = new("callup_lockdown_not_found", StatusCodes.Status404NotFound);
    public static readonly Error LockdownNotInForce = new("callup_lockdown_not_in_force", StatusCodes.Status409Conflict);
    public static readonly Error ReportToRequired = new("callup_report_to_required");
    public static readonly Error TextInvalid = new("callup_text_invalid");
    public static readonly Error NeedsInvalid = new("callup_needs_invalid");
    public static readonly Error RoleInvalid = new("callup_role_invalid");
    public static readonly Error WaitInvalid = new("callup_wait_invalid");
    public static readonly Error NeighborhoodNotFound = new("callup_neighborhood_not_found");
    public static readonly Error NotFound = new("callup_not_found", StatusCodes.Status404NotFound);
    public static readonly Error StaffNotFound = new("callup_staff_not_found", StatusCodes.Status404NotFound);
    public static readonly Error AlreadyInvited = new("callup_already_invited", StatusCodes.Status409Conflict);
    public static readonly Error OverrideReasonMissing = new("callup_override_reason_missing");
    public static readonly Error LinkInvalid = new("callup_link_invalid", StatusCodes.Status404NotFound);
    public static readonly Error LinkExpired = new("callup_link_expired", StatusCodes.Status410Gone);
    public static readonly Error Closed = new("callup_closed", StatusCodes.Status409Conflict);
    public static readonly Error QuotaMet = new("callup_quota_met", StatusCodes.Status409Conflict);
    public static readonly Error AnswerInvalid = new("callup_answer_invalid");
    public static readonly Error EtaInvalid = new("callup_eta_invalid");
    public static readonly Error SiteCodeWrong = new("callup_site_code_wrong");
    public static readonly Error NotOnDuty = new("duty_not_on_duty", StatusCodes.Status409Conflict);
    public static readonly Error NotYourTeam = new("duty_not_your_team", StatusCodes.Status403Forbidden);
    public static readonly Error RulesInvalid = new("fatigue_rules_invalid");
    public static readonly Error Changed = new("callup_changed", StatusCodes.Status409Conflict);
}

/// <summary>The <c>Cordon:Staffing</c> section.</summary>
public sealed class StaffingOptions
{
    public const string Section = "Cordon:Staffing";

    /// <summary>How long a ring has to answer at night (22:00–07:00) before the next is called.</summary>
    public int WaitMinutesNight { get; set; } = 5;

    /// <summary>… and by day.</summary>
    public int WaitMinutesDay { get; set; } = 10;

    /// <summary>A text message follows the robot and in-app messages after this long without an answer.</summary>
    public int SmsAfterMinutes { get; set; } = 2;

    /// <summary>Personal links work this long after the call-up.</summary>
    public int LinkHours { get; set; } = 24;

    /// <summary>Local hours of the night: people not callable at night are not proposed between them.</summary>
    public int NightFrom { get; set; } = 22;

    public int NightTo { get; set; } = 7;

    /// <summary>An ETA is late after this many minutes past it.</summary>
    public int LateAfterMinutes { get; set; } = 10;
}
