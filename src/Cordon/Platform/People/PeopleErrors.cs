using Cordon.Platform.Web;

namespace Cordon.Platform.People;

/// <summary>Why a person's field is refused, wherever it is typed (ledger, visitors, sweeps). Texts: People.strings.json.</summary>
public static class PeopleErrors
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
    public static readonly Error DocumentNumberTooLong = new("document_number_invalid");
    public static readonly Error NameMissing = new("name_missing");
    public static readonly Error NameInvalid = new("name_invalid");
}
