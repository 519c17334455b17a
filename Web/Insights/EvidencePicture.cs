using SkiaSharp;

namespace DeskVision.Web.Insights;

/// <summary>
/// The evidence as one PNG for a complaint file (003 四(四)4 asks for the recording in complaint reviews): the stored
/// snapshot with the same drawing as the page (<see cref="EvidenceLayout"/>): zones, the detections shown by default,
/// the violations named by their clause. Chinese labels need a CJK font on the server (Debian's fonts-wqy-microhei,
/// installed by ./deskvision; Noto CJK is used where present).
/// </summary>
public static class EvidencePicture
{
    private static readonly string[] CjkFonts =
    [
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    ];

    private static readonly Lazy<SKTypeface> Typeface = new(() =>
        CjkFonts.Where(File.Exists).Select(f => SKTypeface.FromFile(f)).FirstOrDefault(t => t is not null) ?? SKTypeface.Default);

    /// <summary>Whether a font that has Chinese characters was found (else labels in Chinese come out as boxes).</summary>
    public static bool HasCjkFont
    {
        get
        {
            using var font = new SKFont(Typeface.Value);
            return font.ContainsGlyph('违');
        }
    }

    /// <returns>The PNG, or null when the snapshot cannot be read.</returns>
    public static byte[]? Render(string snapshotPath, IReadOnlyList<EvidenceMark> marks, IReadOnlyList<(string Name, double[][] Polygon)> zones)
    {
        using var bitmap = SKBitmap.Decode(snapshotPath);
        if (bitmap is null) return null;
        int w = bitmap.Width, h = bitmap.Height;
        using var surface = SKSurface.Create(new SKImageInfo(w, h));
        var canvas = surface.Canvas;
        using (var picture = SKImage.FromBitmap(bitmap)) canvas.DrawImage(picture, 0, 0, new SKSamplingOptions(SKFilterMode.Linear), null);
        float stroke = (float)Math.Max(2, w / 320.0);
        double font = EvidenceLayout.FontSize(w);

        using var zonePaint = new SKPaint { Color = SKColor.Parse("#3b82f6"), Style = SKPaintStyle.Stroke, StrokeWidth = stroke, IsAntialias = true,
            PathEffect = SKPathEffect.CreateDash([10 * stroke / 2, 7 * stroke / 2], 0) };
        foreach (var (_, polygon) in zones.Where(z => z.Polygon.Length >= 3))
        {
            var points = polygon.Select(p => new SKPoint((float)(p[0] * w), (float)(p[1] * h))).ToList();
            canvas.DrawPoints(SKPointMode.Polygon, [.. points, points[0]], zonePaint);
        }

        var shown = marks.Where(m => !m.Low).ToList();
        foreach (var p in EvidenceLayout.Place(shown, w, h).OrderBy(p => p.Mark.Violation))
        {
            var m = p.Mark;
            var colour = m.Violation ? SKColor.Parse(m.Dismissed ? "#9ca3af" : "#dc2626") : SKColor.Parse("#22c55e");
            var box = SKRect.Create(m.X1, m.Y1, m.X2 - m.X1, m.Y2 - m.Y1);
            if (m.Violation && !m.Dismissed)
            {
                using var fill = new SKPaint { Color = colour.WithAlpha(30), Style = SKPaintStyle.Fill };
                canvas.DrawRect(box, fill);
            }
            using (var outline = new SKPaint { Color = colour, Style = SKPaintStyle.Stroke, StrokeWidth = m.Violation ? stroke * 1.6f : stroke, IsAntialias = true,
                       PathEffect = m.Dismissed ? SKPathEffect.CreateDash([12, 8], 0) : null })
                canvas.DrawRect(box, outline);
            if (!p.HasLabel) continue;
            double size = m.Violation ? font : font * 0.8;
            using var plate = new SKPaint { Color = m.Violation ? colour : SKColor.Parse("#14532d").WithAlpha(217), Style = SKPaintStyle.Fill, IsAntialias = true };
            canvas.DrawRoundRect(SKRect.Create((float)p.LabelX, (float)p.LabelY, (float)p.LabelWidth, (float)p.LabelHeight), (float)(font / 5), (float)(font / 5), plate);
            using var text = new SKFont(Typeface.Value, (float)size) { Embolden = m.Violation };
            using var ink = new SKPaint { Color = SKColors.White, IsAntialias = true };
            canvas.DrawText(m.Label, (float)(p.LabelX + size * 0.35), (float)(p.LabelY + p.LabelHeight * 0.72), SKTextAlign.Left, text, ink);
        }
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
