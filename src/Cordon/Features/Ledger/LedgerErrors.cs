using Cordon.Platform.Web;

namespace Cordon.Features.Ledger;

/// <summary>Expected failures of the ledger. Texts: <c>error.{code}</c> in Ledger.strings.json.</summary>
public static class LedgerErrors
{
    public static readonly Error DocumentNumberTaken = new("document_number_taken", StatusCodes.Status409Conflict);
    public static readonly Error EditConflict = new("edit_conflict", StatusCodes.Status409Conflict);
    public static readonly Error RevealReasonMissing = new("reveal_reason_missing");
    public static readonly Error RevealFieldUnknown = new("reveal_field_unknown");
    public static readonly Error NumberSearchNotAllowed = new("number_search_not_allowed", StatusCodes.Status403Forbidden);
    public static readonly Error PartialNumberSearch = new("partial_number_search", StatusCodes.Status400BadRequest);

    public static readonly Error HeaderNotFound = new("header_not_found");

    // Background imports.
    public static readonly Error ImportFinished = new("import_finished", StatusCodes.Status409Conflict);
    public static readonly Error ImportFailed = new("import_failed", StatusCodes.Status500InternalServerError);
    public static readonly Error ImportUserInactive = new("import_user_inactive", StatusCodes.Status403Forbidden);
    public static readonly Error ImportFileGone = new("import_file_gone", StatusCodes.Status410Gone);
    public static readonly Error ImportErrorRowsGone = new("import_error_rows_gone", StatusCodes.Status404NotFound);
    public static readonly Error ColumnsMissing = new("columns_missing");

    // Row-level import errors.
    public static readonly Error ValueRequired = new("value_required");
    public static readonly Error ValueTooLong = new("value_too_long");
    public static readonly Error ValueInvisible = new("value_invisible");
    public static readonly Error DocumentTypeUnknown = new("document_type_unknown");
    public static readonly Error SexUnknown = new("sex_unknown");
    public static readonly Error SexConflictsWithId = new("sex_conflicts_with_id");
    public static readonly Error DateInvalid = new("date_invalid");
    public static readonly Error BirthConflictsWithId = new("birth_conflicts_with_id");
    public static readonly Error StatusUnknown = new("status_unknown");
    public static readonly Error TagUnknown = new("tag_unknown");
    public static readonly Error EntranceInvalid = new("entrance_invalid");
    public static readonly Error RoomInvalid = new("room_invalid");
    public static readonly Error BuildingInvalid = new("building_invalid");
    public static readonly Error DuplicateInFile = new("duplicate_in_file");
    public static readonly Error DocumentHeldElsewhere = new("document_held_elsewhere");
    public static readonly Error DocumentUnavailable = new("document_unavailable");
    public static readonly Error OutsideJurisdiction = new("outside_jurisdiction");
    public static readonly Error NeighborhoodRequired = new("neighborhood_required");
    public static readonly Error CompoundInOtherNeighborhood = new("compound_in_other_neighborhood");
}
