using Cordon.Platform.Web;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Cordon.Features.Certificates;

public sealed class CertificateOptions
{
    public const string Section = "Cordon:Certificates";

    /// <summary>A TrueType font with Chinese glyphs for the PDFs (Debian's fonts-lxgw-wenkai).</summary>
    public string FontFile { get; set; } = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf";
}

/// <summary>
/// The certificate on A4 for those who must print it: what it states in Chinese, large, and the same QR as vector
/// squares (sharp on any printer). One font face for everything, loaded once per process.
/// </summary>
public static class CertificatePdf
{
    private const string Face = "CordonCjk";
    private static readonly Lock Gate = new();

    public static bool FontAvailable(string fontFile) => File.Exists(fontFile);

    public static byte[] Render(Certificate c, string qr, string fontFile)
    {
        EnsureFont(fontFile);
        using var document = new PdfDocument();
        document.Info.Title = $"居家证明 {c.Number}";
        var page = document.AddPage();
        page.Width = XUnit.FromMillimeter(210);
        page.Height = XUnit.FromMillimeter(297);
        using (var gfx = XGraphics.FromPdfPage(page))
        {
            var title = new XFont(Face, 26);
            var body = new XFont(Face, 14);
            var small = new XFont(Face, 10);
            double Mm(double mm) => XUnit.FromMillimeter(mm).Point;
            gfx.DrawString("居家证明", title, XBrushes.Black, new XRect(0, Mm(25), page.Width.Point, Mm(14)), XStringFormats.TopCenter);
            var kind = c.Kind switch
            {
                CertificateKind.HomeIsolation => "居家隔离",
                CertificateKind.HomeMonitoring => "居家健康监测",
                _ => "封控",
            };
            string[] lines =
            [
                $"姓名：{c.Name}",
                $"证件号后四位：{c.Last4}",
                $"小区楼栋：{c.Place}",
                $"类型：{kind}",
                $"居家期间：{c.From.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)} 至 {(c.To is { } to ? to.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "今（仍在执行）")}",
                $"签发：{c.Issuer} {c.Committee}",
                $"编号：{c.Number}",
            ];
            var y = Mm(50);
            foreach (var line in lines)
            {
                gfx.DrawString(line, body, XBrushes.Black, new XRect(Mm(25), y, Mm(160), Mm(8)), XStringFormats.TopLeft);
                y += Mm(10);
            }

            var matrix = QrSvg.Matrix(qr);
            var side = Mm(70);
            var module = side / matrix.Count;
            var left = (page.Width.Point - side) / 2;
            var top = y + Mm(8);
            for (var row = 0; row < matrix.Count; row++)
            {
                for (var col = 0; col < matrix[row].Count; col++)
                {
                    if (matrix[row][col])
                    {
                        gfx.DrawRectangle(XBrushes.Black, left + (col * module), top + (row * module), module, module);
                    }
                }
            }

            gfx.DrawString("用手机扫描二维码核验真伪；请核对姓名和证件号后四位与本人证件一致。", small, XBrushes.Black,
                new XRect(0, top + side + Mm(4), page.Width.Point, Mm(6)), XStringFormats.TopCenter);
            gfx.DrawString("本证明不含检测结果或健康信息。", small, XBrushes.Black, new XRect(0, top + side + Mm(10), page.Width.Point, Mm(6)), XStringFormats.TopCenter);
        }

        using var stream = new MemoryStream();
        document.Save(stream, false);
        return stream.ToArray();
    }

    private static void EnsureFont(string fontFile)
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is not CjkResolver)
            {
                GlobalFontSettings.FontResolver = new CjkResolver(File.ReadAllBytes(fontFile));
            }
        }
    }

    private sealed class CjkResolver(byte[] font) : IFontResolver
    {
        public FontResolverInfo ResolveTypeface(string familyName, bool bold, bool italic) => new(Face);

        public byte[] GetFont(string faceName) => font;
    }
}
