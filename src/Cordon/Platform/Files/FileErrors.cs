using Cordon.Platform.Web;

namespace Cordon.Platform.Files;

/// <summary>Why an uploaded file is refused as a whole, whatever it was meant for. Texts: Files.strings.json.</summary>
public static class FileErrors
{
    public static readonly Error FileTooLarge = new("file_too_large", StatusCodes.Status413PayloadTooLarge);
    public static readonly Error FileEmpty = new("file_empty");
    public static readonly Error FileMissing = new("file_missing", StatusCodes.Status400BadRequest);
    public static readonly Error FileLegacyXls = new("file_legacy_xls", StatusCodes.Status415UnsupportedMediaType);
    public static readonly Error FileNotSpreadsheet = new("file_not_spreadsheet", StatusCodes.Status415UnsupportedMediaType);
    public static readonly Error FileZipBomb = new("file_zip_bomb", StatusCodes.Status413PayloadTooLarge);
    public static readonly Error FileTooManyRows = new("file_too_many_rows", StatusCodes.Status413PayloadTooLarge);
}
