using Cordon.Platform.Web;

namespace Cordon.Features.Lockdowns;

/// <summary>Expected refusals of lockdowns. Texts: <c>error.{code}</c> in Lockdowns.strings.json.</summary>
public static class LockdownErrors
{
    public static readonly Error NameRequired = new("lockdown_name_required");
    public static readonly Error LevelInvalid = new("lockdown_level_invalid");
    public static readonly Error ScopeEmpty = new("lockdown_scope_empty");
    public static readonly Error ScopeTooLarge = new("lockdown_scope_too_large");
    public static readonly Error ReceivedAtInvalid = new("received_at_invalid");
    public static readonly Error PlannedDaysInvalid = new("planned_days_invalid");
    public static readonly Error TextInvalid = new("lockdown_text_invalid");
    public static readonly Error MilestoneNotFound = new("milestone_not_found", StatusCodes.Status404NotFound);
    public static readonly Error MilestoneClosed = new("milestone_closed", StatusCodes.Status409Conflict);
    public static readonly Error ChecklistItemNotFound = new("checklist_item_not_found", StatusCodes.Status404NotFound);
    public static readonly Error AtInvalid = new("lockdown_at_invalid");
    public static readonly Error NotInForce = new("lockdown_not_in_force", StatusCodes.Status409Conflict);
    public static readonly Error UnlockBlocked = new("unlock_blocked", StatusCodes.Status409Conflict);
    public static readonly Error OverrideReasonMissing = new("override_reason_missing");
    public static readonly Error NotUnlocked = new("lockdown_not_unlocked", StatusCodes.Status409Conflict);
    public static readonly Error EntranceInvalid = new("disinfection_entrance_invalid");
    public static readonly Error BuildingNotSealed = new("building_not_in_lockdown");
    public static readonly Error DisinfectionFieldsMissing = new("disinfection_fields_missing");
    public static readonly Error DisinfectionMissing = new("disinfection_missing", StatusCodes.Status409Conflict);
    public static readonly Error PlanInvalid = new("response_plan_invalid");
    public static readonly Error Changed = new("lockdown_changed", StatusCodes.Status409Conflict);
}
