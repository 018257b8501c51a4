using Cordon.Platform.Web;

namespace Cordon.Features.Ledger;

/// <summary>Expected failures of the ledger. Texts: <c>error.{code}</c> in Ledger.strings.json.</summary>
public static class LedgerErrors
{
    public static readonly Error IdMissing = new("id_missing");
    public static readonly Error IdRoundedBySpreadsheet = new("id_rounded_by_spreadsheet");
    public static readonly Error IdLegacy15 = new("id_legacy_15");
    public static readonly Error IdLength = new("id_length");
    public static readonly Error IdCharacters = new("id_characters");
    public static readonly Error IdRegion = new("id_region");
    public static readonly Error IdBirthDate = new("id_birth_date");
    public static readonly Error IdBirthInFuture = new("id_birth_in_future");
    public static readonly Error IdCheckDigit = new("id_check_digit");
    public static readonly Error PhoneInvalid = new("phone_invalid");
    public static readonly Error DocumentNumberTaken = new("document_number_taken", StatusCodes.Status409Conflict);
    public static readonly Error DocumentNumberTooLong = new("document_number_invalid");
    public static readonly Error NameMissing = new("name_missing");
    public static readonly Error NameInvalid = new("name_invalid");
    public static readonly Error EditConflict = new("edit_conflict", StatusCodes.Status409Conflict);
    public static readonly Error RevealReasonMissing = new("reveal_reason_missing");
    public static readonly Error RevealFieldUnknown = new("reveal_field_unknown");

    // Whole-file refusals of an import.
    public static readonly Error FileTooLarge = new("file_too_large", StatusCodes.Status413PayloadTooLarge);
    public static readonly Error FileEmpty = new("file_empty");
    public static readonly Error FileMissing = new("file_missing", StatusCodes.Status400BadRequest);
    public static readonly Error FileLegacyXls = new("file_legacy_xls", StatusCodes.Status415UnsupportedMediaType);
    public static readonly Error FileNotSpreadsheet = new("file_not_spreadsheet", StatusCodes.Status415UnsupportedMediaType);
    public static readonly Error FileZipBomb = new("file_zip_bomb", StatusCodes.Status413PayloadTooLarge);
    public static readonly Error FileTooManyRows = new("file_too_many_rows", StatusCodes.Status413PayloadTooLarge);
    public static readonly Error HeaderNotFound = new("header_not_found");
    public static readonly Error ColumnsMissing = new("columns_missing");

    // Row-level import errors.
    public static readonly Error ValueRequired = new("value_required");
    public static readonly Error ValueTooLong = new("value_too_long");
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
    public static readonly Error OutsideJurisdiction = new("outside_jurisdiction");
    public static readonly Error NeighborhoodRequired = new("neighborhood_required");
    public static readonly Error CompoundInOtherNeighborhood = new("compound_in_other_neighborhood");
}
