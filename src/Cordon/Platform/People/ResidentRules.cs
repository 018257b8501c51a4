using System.Globalization;
using System.Text;
using Cordon.Platform.Web;

namespace Cordon.Platform.People;

/// <summary>
/// Field rules of a resident, shared by the spreadsheet import, the edit page and the API, so a value
/// refused in one is refused in all, with the same code.
/// </summary>
public static class ResidentRules
{
    public const int NameLength = 64;
    public const int NotesLength = 500;
    public const int RelationLength = 32;

    public static (string Value, Error? Error) Name(string? raw)
    {
        // NFKC and one space between words, so "张  三" and "张 三" are the same person.
        var value = Text.Fold(raw);
        if (value.Length == 0)
        {
            return (value, PeopleErrors.NameMissing);
        }

        // Letters of any script (by code point: rare characters of Chinese names lie beyond the 16-bit range), the
        // middle dot of minority and foreign names, spaces, hyphens, apostrophes and periods. No angle brackets,
        // quotes, control, zero-width or direction characters: a name is never markup and never a look-alike.
        var ok = value.Length <= NameLength && value.EnumerateRunes().All(r =>
            Rune.IsLetter(r) || Rune.GetUnicodeCategory(r) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            || r.Value is '·' or '•' or '・' or ' ' or '-' or '\'' or '.' or '’');
        return ok ? (value, null) : (value, PeopleErrors.NameInvalid);
    }

    /// <summary>Normalises and checks a document number for its type; empty is allowed (upsert then uses flat + name).</summary>
    public static (string? Value, Error? Error) Document(DocumentType type, string? raw, DateOnly today, out IdCheck? id)
    {
        id = null;
        if (string.IsNullOrWhiteSpace(raw))
        {
            return (null, null);
        }

        if (type == DocumentType.IdCard)
        {
            var check = IdNumber.Check(raw, today);
            id = check;
            return check.IsValid ? (check.Normalized, null) : (check.Normalized, new Error(check.Error!));
        }

        var value = IdNumber.Normalize(raw);
        return value.Length is >= 4 and <= 32 && value.All(char.IsAsciiLetterOrDigit) ? (value, null) : (value, PeopleErrors.DocumentNumberTooLong);
    }

    public static (string? Value, Error? Error) PhoneNumber(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return (null, null);
        }

        var value = Phone.Normalize(raw.EndsWith(".0", StringComparison.Ordinal) ? raw[..^2] : raw);
        return Phone.Check(value) is null ? (value, null) : (value, PeopleErrors.PhoneInvalid);
    }

    public static DocumentType? DocumentTypeOf(string? raw)
    {
        var value = (raw ?? "").Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        return value switch
        {
            "" or "居民身份证" or "身份证" or "二代身份证" or "idcard" or "id" or "residentidcard" => DocumentType.IdCard,
            "港澳居民来往内地通行证" or "港澳通行证" or "回乡证" or "hkmacaupermit" => DocumentType.HkMacauPermit,
            "台湾居民来往大陆通行证" or "台胞证" or "taiwanpermit" => DocumentType.TaiwanPermit,
            "护照" or "passport" => DocumentType.Passport,
            "外国人永久居留身份证" or "外国人永久居留证" or "永居证" or "foreignpermanentresident" => DocumentType.ForeignPermanentResident,
            "其他" or "其它" or "other" => DocumentType.Other,
            _ => null,
        };
    }

    public static Sex? SexOf(string? raw) => (raw ?? "").Trim().ToLowerInvariant() switch
    {
        "" => Sex.Unknown,
        "男" or "m" or "male" or "男性" => Sex.Male,
        "女" or "f" or "female" or "女性" => Sex.Female,
        "未知" or "unknown" => Sex.Unknown,
        _ => null,
    };

    public static ResidenceStatus? StatusOf(string? raw) => (raw ?? "").Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant() switch
    {
        "" or "常住" or "居住" or "在住" or "户籍" or "resident" or "liveshere" => ResidenceStatus.Resident,
        "租住" or "暂住" or "租住/暂住" or "租户" or "tenant" => ResidenceStatus.Tenant,
        "外出" or "不在" or "离沪" or "away" => ResidenceStatus.Away,
        "已迁出" or "迁出" or "movedout" => ResidenceStatus.MovedOut,
        _ => null,
    };

    /// <summary>Tags separated by commas, 、, semicolons, slashes or spaces; null with the unknown one when one is not a tag.</summary>
    public static (NeedTag Tags, string? Unknown) TagsOf(string? raw)
    {
        var tags = NeedTag.None;
        foreach (var part in (raw ?? "").Split([',', '、', ';', '/', ' ', '|', '，', '；'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var tag = part.ToLowerInvariant() switch
            {
                "孤寡老人" or "孤老" or "elderlyalone" or "elderly-alone" => NeedTag.ElderlyAlone,
                "独居" or "livesalone" or "lives-alone" => NeedTag.LivesAlone,
                "重病" or "慢病" or "重病/慢病" or "重病慢病" or "ill" => NeedTag.Ill,
                "孕产妇" or "孕妇" or "产妇" or "pregnant" => NeedTag.Pregnant,
                "行动不便" or "卧床" or "mobility" => NeedTag.Mobility,
                "婴幼儿" or "婴儿" or "infant" => NeedTag.Infant,
                "残疾" or "残疾人" or "disabled" => NeedTag.Disabled,
                "外籍" or "foreign" => NeedTag.Foreign,
                _ => (NeedTag?)null,
            };
            if (tag is null)
            {
                return (tags, part);
            }

            tags |= tag.Value;
        }

        return (tags, null);
    }

    /// <summary>Dates as committees write them: 1990-01-02, 1990/1/2, 1990.1.2, 19900102, 1990年1月2日.</summary>
    public static DateOnly? DateOf(string raw)
    {
        var value = raw.Trim().Replace('年', '-').Replace('月', '-').Replace("日", "", StringComparison.Ordinal).Replace('/', '-').Replace('.', '-');
        if (value.Contains(' ', StringComparison.Ordinal))
        {
            value = value[..value.IndexOf(' ', StringComparison.Ordinal)];
        }

        string[] formats = ["yyyy-M-d", "yyyy-MM-dd", "yyyyMMdd"];
        return DateOnly.TryParseExact(value, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
    }
}
