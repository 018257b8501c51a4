using System.Text;
using MiniExcelLibs;

namespace Cordon.Tests.Features.Ledger;

/// <summary>Builds the spreadsheets committees send: xlsx with numeric cells, csv in UTF-8 or GB18030.</summary>
internal static class Sheets
{
    public static readonly string[] Header = ["居民区", "小区", "楼栋", "单元", "室号", "姓名", "证件类型", "证件号码", "手机号", "性别", "出生日期", "与户主关系", "居住状态", "标签", "备注"];

    static Sheets() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static byte[] Xlsx(IEnumerable<object?[]> rows)
    {
        var all = rows.ToList();
        var width = all.Max(r => r.Length);
        var records = all.Select(row =>
        {
            var record = new Dictionary<string, object?>();
            for (var i = 0; i < width; i++)
            {
                record[((char)('A' + i)).ToString()] = i < row.Length ? row[i] : null;
            }

            return record;
        }).ToList();
        using var stream = new MemoryStream();
        stream.SaveAs(records, printHeader: false, excelType: ExcelType.XLSX);
        return stream.ToArray();
    }

    public static byte[] Csv(IEnumerable<string[]> rows, Encoding encoding, bool bom)
    {
        var text = string.Join("\r\n", rows.Select(r => string.Join(",", r.Select(Quote)))) + "\r\n";
        var body = encoding.GetBytes(text);
        return bom ? [.. encoding.GetPreamble(), .. body] : body;
    }

    public static Encoding Gb18030 => Encoding.GetEncoding("GB18030");

    public static Encoding Utf8 => new UTF8Encoding(true);

    private static string Quote(string cell) => cell.Contains(',') || cell.Contains('"') || cell.Contains('\n') ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
