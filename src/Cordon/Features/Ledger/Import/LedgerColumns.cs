using System.Text;
using Cordon.Platform.People;
using Cordon.Platform.Places;

namespace Cordon.Features.Ledger.Import;

/// <summary>The ledger spreadsheet's columns, in the template's order.</summary>
public enum LedgerColumn
{
    Neighborhood,
    Compound,
    Building,
    Entrance,
    Room,
    Name,
    DocumentType,
    DocumentNumber,
    Phone,
    Sex,
    BirthDate,
    Relation,
    Status,
    Tags,
    Notes,
    StatusSince,
}

/// <summary>
/// Standard Chinese headers (the template) and the aliases committees and English users write.
/// Matching ignores spaces, case, a trailing <c>*</c> and a bracketed remark such as <c>（必填）</c>.
/// </summary>
public static class LedgerColumns
{
    public static readonly IReadOnlyList<(LedgerColumn Column, string Header, string English)> Standard =
    [
        (LedgerColumn.Neighborhood, "居民区", "Neighborhood"),
        (LedgerColumn.Compound, "小区", "Compound"),
        (LedgerColumn.Building, "楼栋", "Building"),
        (LedgerColumn.Entrance, "单元", "Entrance"),
        (LedgerColumn.Room, "室号", "Room"),
        (LedgerColumn.Name, "姓名", "Name"),
        (LedgerColumn.DocumentType, "证件类型", "Document type"),
        (LedgerColumn.DocumentNumber, "证件号码", "Document number"),
        (LedgerColumn.Phone, "手机号", "Phone"),
        (LedgerColumn.Sex, "性别", "Sex"),
        (LedgerColumn.BirthDate, "出生日期", "Birth date"),
        (LedgerColumn.Relation, "与户主关系", "Relation"),
        (LedgerColumn.Status, "居住状态", "Status"),
        (LedgerColumn.Tags, "标签", "Tags"),
        (LedgerColumn.Notes, "备注", "Notes"),
    ];

    public static readonly LedgerColumn[] Required = [LedgerColumn.Compound, LedgerColumn.Building, LedgerColumn.Room, LedgerColumn.Name];

    private static readonly Dictionary<string, LedgerColumn> Aliases = Build();

    public static string HeaderOf(LedgerColumn column) =>
        Standard.FirstOrDefault(s => s.Column == column).Header ?? "状态日期";

    public static LedgerColumn? Match(string header)
    {
        var key = Key(header);
        return key.Length > 0 && Aliases.TryGetValue(key, out var column) ? column : null;
    }

    private static Dictionary<string, LedgerColumn> Build()
    {
        var map = new Dictionary<string, LedgerColumn>(StringComparer.Ordinal);
        void Add(LedgerColumn column, params string[] names)
        {
            foreach (var name in names)
            {
                map[Key(name)] = column;
            }
        }

        Add(LedgerColumn.Neighborhood, "居民区", "居委", "居委会", "社区", "居民区名称", "neighborhood", "neighbourhood", "committee");
        Add(LedgerColumn.Compound, "小区", "小区名称", "小区名", "弄", "compound", "estate");
        Add(LedgerColumn.Building, "楼栋", "楼号", "楼栋号", "幢", "栋", "号楼", "building");
        Add(LedgerColumn.Entrance, "单元", "单元号", "entrance", "stairwell", "unit");
        Add(LedgerColumn.Room, "室号", "室", "房号", "房间号", "门牌号", "room", "flat");
        Add(LedgerColumn.Name, "姓名", "名字", "居民姓名", "name");
        Add(LedgerColumn.DocumentType, "证件类型", "证件种类", "documenttype", "idtype");
        Add(LedgerColumn.DocumentNumber, "证件号码", "证件号", "身份证号", "身份证号码", "身份证", "documentnumber", "idnumber", "id");
        Add(LedgerColumn.Phone, "手机号", "手机号码", "手机", "联系电话", "电话", "phone", "mobile", "mobilephone");
        Add(LedgerColumn.Sex, "性别", "sex", "gender");
        Add(LedgerColumn.BirthDate, "出生日期", "生日", "出生年月日", "birthdate", "dateofbirth", "dob");
        Add(LedgerColumn.Relation, "与户主关系", "关系", "户主关系", "relation", "relationtohead");
        Add(LedgerColumn.Status, "居住状态", "状态", "居住情况", "status", "residencestatus");
        Add(LedgerColumn.Tags, "标签", "重点人群", "人员标签", "tags", "needs");
        Add(LedgerColumn.Notes, "备注", "说明", "notes", "note", "remarks", "remark");
        Add(LedgerColumn.StatusSince, "状态日期", "外出日期", "状态起始日期", "statussince", "since");
        return map;
    }

    private static string Key(string header)
    {
        var value = header.Normalize(NormalizationForm.FormKC).Trim().TrimEnd('*').Trim();
        var bracket = value.IndexOfAny(['(', '[']);
        if (bracket > 0)
        {
            value = value[..bracket];
        }

        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (!char.IsWhiteSpace(c) && c is not ('_' or '-' or '*'))
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString();
    }
}
