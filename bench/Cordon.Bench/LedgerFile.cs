using System.Globalization;
using System.Text;
using Cordon.Features.Ledger;
using Cordon.Platform.People;
using MiniExcelLibs;

namespace Cordon.Bench;

/// <summary>A synthetic ledger of N residents, as a committee would send it: one row per person.</summary>
public static class LedgerFile
{
    public static readonly string[] Header = ["居民区", "小区", "楼栋", "单元", "室号", "姓名", "证件类型", "证件号码", "手机号", "性别", "出生日期", "与户主关系", "居住状态", "标签", "备注"];

    private const string Surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹";
    private const string Given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华";

    public static IEnumerable<string[]> Rows(int count)
    {
        var random = new Random(42);
        var person = 0;
        for (var flat = 0; person < count; flat++)
        {
            var compound = flat / 1440;
            var building = flat % 1440 / 36 + 1;
            var entrance = flat % 36 / 12 + 1;
            var floor = flat % 12 / 2 + 1;
            var room = $"{floor}{flat % 2 + 1:00}";
            var size = 1 + random.Next(3);
            for (var i = 0; i < size && person < count; i++, person++)
            {
                var birth = new DateOnly(1940, 1, 1).AddDays(person / 999);
                var male = person % 2 == 1;
                yield return
                [
                    $"基准居民区{compound / 10 + 1:00}", $"基准小区{compound + 1:000}", $"{building}号", entrance.ToString(CultureInfo.InvariantCulture), room,
                    $"{Surnames[random.Next(Surnames.Length)]}{Given[random.Next(Given.Length)]}{Given[random.Next(Given.Length)]}",
                    "居民身份证", IdNumber.Compose("310110", birth, person % 999 / 2 * 2 + (male ? 1 : 0)),
                    $"13{random.Next(0, 10)}{random.Next(10000000, 100000000)}", male ? "男" : "女", "",
                    i == 0 ? "户主" : "家属", "常住", i == 0 && size == 1 ? "独居" : "", "",
                ];
            }
        }
    }

    public static string WriteCsv(string path, int count)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(true));
        writer.WriteLine(string.Join(",", Header));
        foreach (var row in Rows(count))
        {
            writer.WriteLine(string.Join(",", row));
        }

        return path;
    }

    public static string WriteXlsx(string path, int count)
    {
        var rows = Rows(count).Select(r =>
        {
            var record = new Dictionary<string, object?>(Header.Length);
            for (var i = 0; i < Header.Length; i++)
            {
                record[Header[i]] = r[i];
            }

            return record;
        });
        using var stream = File.Create(path);
        stream.SaveAs(rows, excelType: ExcelType.XLSX);
        return path;
    }
}
