using Cordon.Platform.Web;

namespace Cordon.Features.Staffing;

/// <summary>Expected failures of the roster. Texts: <c>error.{code}</c> in Roster.strings.json; <c>{0}</c> is the offending value.</summary>
public static class StaffingErrors
{
    public static readonly Error NameRequired = new("staff_name_required");
    public static readonly Error NameTooLong = new("staff_name_too_long");
    public static readonly Error NameInvalid = new("staff_name_invalid");
    public static readonly Error MobileRequired = new("staff_mobile_required");
    public static readonly Error MobileInvalid = new("staff_mobile_invalid");

    /// <summary>1.38001E+10: Excel turned the number into a float and the last digits are gone for good.</summary>
    public static readonly Error MobileMangled = new("staff_mobile_mangled");
    public static readonly Error MobileDuplicate = new("staff_mobile_duplicate");
    public static readonly Error MobileTaken = new("staff_mobile_taken", StatusCodes.Status409Conflict);
    public static readonly Error OrganisationRequired = new("staff_organisation_required");
    public static readonly Error OrganisationInvalid = new("staff_organisation_invalid");
    public static readonly Error RolesRequired = new("staff_roles_required");
    public static readonly Error RoleUnknown = new("staff_role_unknown");
    public static readonly Error NeighborhoodUnknown = new("staff_neighborhood_unknown");
    public static readonly Error TravelInvalid = new("staff_travel_invalid");
    public static readonly Error NightInvalid = new("staff_night_invalid");
    public static readonly Error UserUnknown = new("staff_user_unknown");
    public static readonly Error EditConflict = new("staff_edit_conflict", StatusCodes.Status409Conflict);
    public static readonly Error ColumnsMissing = new("staff_columns_missing");
    public static readonly Error RoleFilterUnknown = new("staff_role_filter_unknown", StatusCodes.Status400BadRequest);
}
