using System.IO.Compression;
using System.Security;
using System.Text;
using Cordon.Platform.People;
using Cordon.Platform.Places;

namespace Cordon.Features.Ledger.Import;

/// <summary>
/// The downloadable import template: the standard headers, an example row, and the ID-number and phone
/// columns pre-formatted as text so Excel cannot round an 18-digit number to 15 digits. Written as raw
/// OpenXML because the streaming writer cannot set a column's number format.
/// </summary>
public static class TemplateWorkbook
{
    private const string ExampleName = "张三";
    private const string ExampleDocument = "11010519491231002X";

    private static readonly string[] Example =
        ["政立路居民区", "政立路580弄", "12号", "3", "502", ExampleName, "居民身份证", ExampleDocument, "13812345678", "", "", "户主", "常住", "独居", "示例行，导入前请删除"];

    /// <summary>
    /// The example row as the template has it, left in the file. Its name and ID number together, not its note: a
    /// committee that typed a real person over the example and forgot the note has a real person.
    /// </summary>
    public static bool IsExample(LedgerRow row) => row.Name == ExampleName && row.DocumentNumber == ExampleDocument;

    private static readonly string[][] Help =
    [
        ["列", "Column", "说明", "Notes"],
        ["居民区", "Neighborhood", "新小区必填；已有小区可留空", "Required for a new compound"],
        ["小区 *", "Compound", "必填", "Required"],
        ["楼栋 *", "Building", "如 12号、12", "e.g. 12号 or 12"],
        ["单元", "Entrance", "数字，留空为 1", "A number; blank means 1"],
        ["室号 *", "Room", "如 502（楼层由室号得出：502 为 5 楼，1203 为 12 楼）", "e.g. 502: floor 5; 1203: floor 12"],
        ["姓名 *", "Name", "必填", "Required"],
        ["证件类型", "Document type", "居民身份证（默认）、港澳居民来往内地通行证、台湾居民来往大陆通行证、护照、外国人永久居留身份证、其他", "Resident ID card (default), permits, passport, permanent residence ID, other"],
        ["证件号码", "Document number", "本列已设为文本格式，请勿改为数字", "Formatted as text: do not change it to a number"],
        ["手机号", "Phone", "11 位手机号", "11-digit mobile number"],
        ["性别", "Sex", "男/女；留空则按身份证", "M/F; blank: taken from the ID number"],
        ["出生日期", "Birth date", "如 1949-12-31；留空则按身份证", "e.g. 1949-12-31; blank: taken from the ID number"],
        ["与户主关系", "Relation", "户主、配偶、子女、父母、租客…", "Head, spouse, child, parent, tenant…"],
        ["居住状态", "Status", "常住（默认）、租住、暂住、外出、已迁出", "Lives here (default), tenant, away, moved out"],
        ["标签", "Tags", "孤寡老人、独居、重病、慢病、孕产妇、行动不便、婴幼儿、残疾、外籍；用顿号或逗号分隔", "Separated by commas"],
        ["备注", "Notes", "最多 500 字", "At most 500 characters"],
        ["", "", "同一文件重复导入不会产生重复：按证件号码匹配，无证件号码时按房屋 + 姓名匹配；空白单元格不会清除已有信息。", "Re-importing a file changes nothing: residents are matched by document number, else by flat and name; blank cells keep what is stored."],
    ];

    public static byte[] Build()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, "[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
                <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
                <Default Extension="xml" ContentType="application/xml"/>
                <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
                <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
                <Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
                <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
                </Types>
                """);
            Write(zip, "_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
                </Relationships>
                """);
            Write(zip, "xl/workbook.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
                <sheets><sheet name="人房台账" sheetId="1" r:id="rId1"/><sheet name="说明 Notes" sheetId="2" r:id="rId2"/></sheets>
                </workbook>
                """);
            Write(zip, "xl/_rels/workbook.xml.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
                <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>
                <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
                </Relationships>
                """);

            // Style 1: text (@, number format 49). Style 2: bold header, also text.
            Write(zip, "xl/styles.xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
                <fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font></fonts>
                <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
                <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
                <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
                <cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/></cellXfs>
                </styleSheet>
                """);

            var headers = LedgerColumns.Standard.Select(s => s.Header).ToArray();
            var sheet = new StringBuilder();
            sheet.Append("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">""");
            sheet.Append("""<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>""");

            // Every column is text: room numbers like 0502 and phones keep their digits too.
            sheet.Append("""<cols><col min="1" max="7" width="14" style="1" customWidth="1"/><col min="8" max="8" width="22" style="1" customWidth="1"/><col min="9" max="9" width="15" style="1" customWidth="1"/><col min="10" max="16" width="12" style="1" customWidth="1"/></cols><sheetData>""");
            Row(sheet, 1, headers, style: 2);
            Row(sheet, 2, Example, style: 1);
            sheet.Append("</sheetData></worksheet>");
            Write(zip, "xl/worksheets/sheet1.xml", sheet.ToString());

            var help = new StringBuilder();
            help.Append("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cols><col min="1" max="2" width="16" customWidth="1"/><col min="3" max="4" width="60" customWidth="1"/></cols><sheetData>""");
            for (var i = 0; i < Help.Length; i++)
            {
                Row(help, i + 1, Help[i], style: i == 0 ? 2 : 0);
            }

            help.Append("</sheetData></worksheet>");
            Write(zip, "xl/worksheets/sheet2.xml", help.ToString());
        }

        return buffer.ToArray();
    }

    private static void Row(StringBuilder xml, int number, IReadOnlyList<string> cells, int style)
    {
        xml.Append("<row r=\"").Append(number).Append("\">");
        for (var i = 0; i < cells.Count; i++)
        {
            xml.Append("<c r=\"").Append((char)('A' + i)).Append(number).Append("\" s=\"").Append(style).Append("\" t=\"inlineStr\"><is><t>")
                .Append(SecurityElement.Escape(cells[i])).Append("</t></is></c>");
        }

        xml.Append("</row>");
    }

    private static void Write(ZipArchive zip, string name, string content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var stream = entry.Open();
        var bytes = new UTF8Encoding(false).GetBytes(content.Trim());
        stream.Write(bytes);
    }
}
