namespace DeskVision.Web.Insights;

/// <summary>What is drawn on a snapshot: a violation (red, numbered, named by its clause) or a detection (green).</summary>
/// <param name="Low">A detection below the operating threshold: hidden unless asked for.</param>
public sealed record EvidenceMark(bool Violation, float X1, float Y1, float X2, float Y2, string Label, bool Low = false, string? Tooltip = null);

/// <summary>A mark with where its label goes (image pixels), or no label where none fits without covering another.</summary>
public sealed record PlacedMark(EvidenceMark Mark, double LabelX, double LabelY, double LabelWidth, double LabelHeight, bool HasLabel);

/// <summary>
/// Where the labels of a snapshot's marks go, the same for the page (SVG over the picture) and the PNG download: each
/// label on a solid plate, inside the picture, never over another label. Violations are placed first (they must
/// always be read); a detection's label that finds no free place is left off (its box and tooltip stay).
/// </summary>
public static class EvidenceLayout
{
    /// <summary>Label text size: readable when the picture is shown about 900 px wide.</summary>
    public static double FontSize(int imageWidth) => Math.Max(13, imageWidth / 52.0);

    /// <summary>A label's width: CJK characters are square, others about 0.6 of the size (close enough for a plate).</summary>
    public static double TextWidth(string text, double font) =>
        text.Sum(c => c >= 0x2E80 ? font : c == ' ' ? font * 0.32 : char.IsUpper(c) ? font * 0.68 : font * 0.58);

    public static IReadOnlyList<PlacedMark> Place(IReadOnlyList<EvidenceMark> marks, int width, int height)
    {
        double font = FontSize(width);
        var placed = new List<PlacedMark>();
        var taken = new List<(double X, double Y, double W, double H)>();
        // Violations first, then the detections shown by default, then the hidden ones (so showing them covers nothing);
        // each group top to bottom.
        foreach (var mark in marks.OrderBy(m => m.Violation ? 0 : m.Low ? 2 : 1).ThenBy(m => m.Y1))
        {
            double size = mark.Violation ? font : font * 0.8;
            double w = Math.Min(width, TextWidth(mark.Label, size) + size * 0.7), h = size * 1.45;
            (double X, double Y)[] candidates =
            [
                (mark.X1, mark.Y1 - h), (mark.X1, mark.Y1), (mark.X1, mark.Y2), (mark.X2 - w, mark.Y1 - h), (mark.X2 - w, mark.Y2),
                (mark.X1, mark.Y2 - h), (mark.X2 - w, mark.Y1), (mark.X2, mark.Y1), (mark.X1 - w, mark.Y1),
            ];
            (double X, double Y)? spot = null;
            foreach (var c in candidates)
            {
                var r = Clamp(c.X, c.Y, w, h, width, height);
                if (!Overlaps(r, w, h, taken)) { spot = r; break; }
            }
            if (spot is null && mark.Violation)
            {
                // Crowded: slide down from the box's top until free (a violation's name must be readable).
                for (double y = Math.Max(0, mark.Y1 - h); y + h <= height && spot is null; y += h / 2)
                {
                    var r = Clamp(mark.X1, y, w, h, width, height);
                    if (!Overlaps(r, w, h, taken)) spot = r;
                }
                spot ??= Clamp(mark.X1, mark.Y1, w, h, width, height);
            }
            if (spot is { } s) taken.Add((s.X, s.Y, w, h));
            placed.Add(new PlacedMark(mark, spot?.X ?? 0, spot?.Y ?? 0, w, h, spot is not null));
        }
        // Back in the order given, so numbers and lists line up.
        return marks.Select(m => placed.First(p => ReferenceEquals(p.Mark, m))).ToList();
    }

    private static (double X, double Y) Clamp(double x, double y, double w, double h, int width, int height) =>
        (Math.Clamp(x, 0, Math.Max(0, width - w)), Math.Clamp(y, 0, Math.Max(0, height - h)));

    private static bool Overlaps((double X, double Y) r, double w, double h, List<(double X, double Y, double W, double H)> taken) =>
        taken.Any(t => r.X < t.X + t.W && t.X < r.X + w && r.Y < t.Y + t.H && t.Y < r.Y + h);
}

/// <summary>The marks of one stored audit, in the reader's language.</summary>
public static class EvidenceMarks
{
    /// <summary>
    /// The confidence below which a detection is hidden by default: the lowest any rule of the standard acts on. A
    /// detection below it cannot make or excuse a violation, so it is clutter to a reader (shown on request).
    /// </summary>
    public static double OperatingThreshold(Scoring.Standard standard) =>
        standard.Scored.SelectMany(c => c.Rules).SelectMany(r => r.ExcusedBy is null ? [r.MinConfidence] : new[] { r.MinConfidence, r.ExcusedBy.MinConfidence })
            .DefaultIfEmpty(0.25).Min();

    /// <summary>Violations numbered 1, 2, ... in the order given (the page's list uses the same numbers), then detections.</summary>
    public static IReadOnlyList<EvidenceMark> Of(IEnumerable<(float X1, float Y1, float X2, float Y2, string Title, string? Tooltip)> violations,
        IEnumerable<(float X1, float Y1, float X2, float Y2, string Label, float Confidence)> detections, double threshold) =>
        [
            .. violations.Select((v, i) => new EvidenceMark(true, v.X1, v.Y1, v.X2, v.Y2, $"{i + 1} {v.Title}", Tooltip: v.Tooltip)),
            .. detections.Select(d => new EvidenceMark(false, d.X1, d.Y1, d.X2, d.Y2, $"{d.Label} {d.Confidence:0.00}", d.Confidence < threshold,
                $"{d.Label} {d.Confidence.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}")),
        ];
}
