using System.Text;
using QRCoder;

namespace Cordon.Platform.Web;

/// <summary>
/// QR codes as one SVG path of squares: crisp when printed, tiny, and no inline style, so the strict
/// Content-Security-Policy holds.
/// </summary>
public static class QrSvg
{
    /// <summary>The modules, rows of columns, with QRCoder's 4-module quiet zone: for drawing elsewhere (a PDF's vector squares).</summary>
    public static List<System.Collections.BitArray> Matrix(string payload)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(payload, QRCodeGenerator.ECCLevel.M, eciMode: QRCodeGenerator.EciMode.Utf8);
        return [.. data.ModuleMatrix];
    }

    public static string Render(string payload, int quietZone = 2)
    {
        var matrix = Matrix(payload);
        var size = matrix.Count;
        var path = new StringBuilder();
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                if (matrix[y][x])
                {
                    path.Append('M').Append(x).Append(' ').Append(y).Append("h1v1h-1z");
                }
            }
        }

        // QRCoder's matrix already carries a 4-module quiet zone; trim it to the one asked for.
        var trim = Math.Max(0, 4 - quietZone);
        var view = size - (2 * trim);
        return $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{trim} {trim} {view} {view}\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR\"><rect x=\"{trim}\" y=\"{trim}\" width=\"{view}\" height=\"{view}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>";
    }
}
