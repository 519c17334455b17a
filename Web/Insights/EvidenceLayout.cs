using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Insights;

/// <summary>What is drawn on a snapshot: a violation (red, numbered, named by its clause) or a detection (green).</summary>
/// <param name="Low">A detection below the operating threshold: hidden unless asked for.</param>
/// <param name="Dismissed">A violation overturned as a false positive: drawn grey and dashed, it counts for nothing.</param>
public sealed record EvidenceMark(bool Violation, float X1, float Y1, float X2, float Y2, string Label, bool Low = false, string? Tooltip = null, bool Dismissed = false);

/// <summary>A mark with where its label goes (image pixels), or no label where none fits without covering another.</summary>
public sealed record PlacedMark(EvidenceMark Mark, double LabelX, double LabelY, double LabelWidth, double LabelHeight, bool HasLabel);

/// <summary>
/// Where the labels of a snapshot's marks go, the same for the page (SVG over the picture) and the PNG download: each
/// label on a solid plate, inside the picture, never over another label. Violations are placed first (they must
/// always be read); a detection's label that finds no free place is left off (its box and tooltip stay).
/// </summary>
public static class EvidenceLayout
{
    /// <summary>Label text size: readable when the picture is shown about 900 px wide (<paramref name="scale"/> 1), or smaller (a thumbnail: larger).</summary>
    public static double FontSize(int imageWidth, double scale = 1) => Math.Max(13, imageWidth / 52.0) * scale;

    /// <summary>A label's width: CJK characters are square, others about 0.6 of the size (close enough for a plate).</summary>
    public static double TextWidth(string text, double font) =>
        text.Sum(c => c >= 0x2E80 ? font : c == ' ' ? font * 0.32 : char.IsUpper(c) ? font * 0.68 : font * 0.58);

    public static IReadOnlyList<PlacedMark> Place(IReadOnlyList<EvidenceMark> marks, int width, int height, double scale = 1)
    {
        double font = FontSize(width, scale);
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
    /// The confidence below which a detection is hidden by default: the lowest any rule of the audit's standard version
    /// acts on (its clauses' stored rules). A detection below it can neither make nor excuse a violation, so to a reader
    /// it is clutter (shown on request).
    /// </summary>
    public static async Task<double> OperatingThresholdAsync(Store.DeskVisionDb db, int? standardVersionId, CancellationToken ct)
    {
        var rules = await db.Clauses.AsNoTracking().Where(c => c.StandardVersionId == standardVersionId && c.Active).Select(c => c.RulesJson).ToListAsync(ct);
        var found = rules.SelectMany(json => System.Text.Json.JsonDocument.Parse(json).RootElement.EnumerateArray())
            .SelectMany(rule => new[] { rule, rule.TryGetProperty("excusedBy", out var e) && e.ValueKind == System.Text.Json.JsonValueKind.Object ? e : default })
            .Where(r => r.ValueKind == System.Text.Json.JsonValueKind.Object && r.TryGetProperty("minConfidence", out _))
            .Select(r => r.GetProperty("minConfidence").GetDouble()).ToList();
        return found.Count == 0 ? DefaultThreshold : found.Min();
    }

    /// <summary>A standard file's default <c>min_confidence</c>.</summary>
    public const double DefaultThreshold = 0.25;

    /// <summary>
    /// An audit's marks: its violations numbered 1, 2, ... by id (the page's list uses the same numbers), named by their
    /// clause in the reader's language; then its detections, those below <paramref name="threshold"/> marked low.
    /// The audit comes with its Violations (Clause, Appeal) and Detections loaded.
    /// </summary>
    public static IReadOnlyList<EvidenceMark> Of(Store.Audit audit, Resources.Text t, double threshold) =>
        [
            .. audit.Violations.OrderBy(v => v.Id).Select((v, i) => new EvidenceMark(true, v.X1, v.Y1, v.X2, v.Y2, $"{i + 1} {t.Title(v.Clause.TitleZh, v.Clause.TitleEn)}",
                Tooltip: $"{t.Title(v.Clause.TitleZh, v.Clause.TitleEn)} · {v.ZoneName}", Dismissed: v.Appeal?.Outcome == Store.AppealOutcomes.Overturned)),
            .. audit.Detections.OrderByDescending(d => d.Confidence).Select(d => Detection(d.X1, d.Y1, d.X2, d.Y2, d.Label, d.Confidence, threshold)),
        ];

    /// <summary>Violation boxes alone (a thumbnail), numbered in the order given.</summary>
    public static IReadOnlyList<EvidenceMark> Violations(IEnumerable<(float X1, float Y1, float X2, float Y2, string Title)> violations) =>
        violations.Select((v, i) => new EvidenceMark(true, v.X1, v.Y1, v.X2, v.Y2, $"{i + 1} {v.Title}", Tooltip: v.Title)).ToList();

    private static EvidenceMark Detection(float x1, float y1, float x2, float y2, string label, float confidence, double threshold)
    {
        string text = $"{label} {confidence.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}";
        return new EvidenceMark(false, x1, y1, x2, y2, text, confidence < threshold, text);
    }
}
