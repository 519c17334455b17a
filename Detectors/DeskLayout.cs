using OpenCvSharp;

namespace DeskVision.Detectors;

/// <summary>A part of the desk that differs from the arranged-desk reference.</summary>
/// <param name="Share">The region's area as a share of <see cref="DeskLayout.FullRegionShare"/> of the desk zone, capped at 1: bigger changes count more.</param>
public sealed record DeskChange(Box Box, double Share);

/// <summary>A piece of equipment that is not where the reference has it.</summary>
/// <param name="Displacement">1 − IoU with its reference place: 1 when it is nowhere near it.</param>
public sealed record Misplaced(string Label, Box Now, Box Reference, double Displacement);

/// <summary>
/// The desk zone against the reference picture of the correctly arranged desk (定置定位): which regions changed
/// (clutter, things added or taken away) and which pieces of equipment moved from their place.
/// </summary>
public static class DeskLayout
{
    /// <summary>A changed region this big (share of the desk zone) counts fully.</summary>
    public const double FullRegionShare = 0.02;

    /// <summary>Regions smaller than this share of the desk zone are noise (a pen, a reflection).</summary>
    public const double MinRegionShare = 0.002;

    /// <summary>
    /// Regions of the desk zone that changed. Both pictures are normalised to their mean and spread inside the zone
    /// (so a brighter morning is not a change), blurred, and compared in grey and in Lab a*/b* (a red cup on a brown desk
    /// may keep its grey level). <paramref name="ignore"/> boxes (people leaning over the desk) are left out.
    /// </summary>
    public static IReadOnlyList<DeskChange> Changes(Mat reference, Mat current, IReadOnlyList<(double X, double Y)> deskPolygon, IEnumerable<Box> ignore)
    {
        using var refImage = Pictures.SameSize(reference, current.Size());
        using var mask = Pictures.PolygonMask(deskPolygon, current.Width, current.Height);
        foreach (var box in ignore)
        {
            var r = Pictures.ToRect(box, current.Width, current.Height);
            if (r.Width > 0 && r.Height > 0) mask[r].SetTo(Scalar.All(0));
        }
        int zoneArea = Cv2.CountNonZero(mask);
        if (zoneArea < 100) return [];

        using var greyChange = NormalisedGreyDifference(refImage, current, mask);
        using var chromaChange = ChromaDifference(refImage, current);
        using var changed = new Mat();
        // Thresholds: a change of one spread of the desk's grey levels, or 10 Lab units of colour (a clearly other colour).
        using (var g = greyChange.GreaterThan(1.0).ToMat())
        using (var c = chromaChange.GreaterThan(10).ToMat())
            Cv2.BitwiseOr(g, c, changed);
        Cv2.BitwiseAnd(changed, mask, changed);
        using (var open = Cv2.GetStructuringElement(MorphShapes.Ellipse, new Size(5, 5)))
            Cv2.MorphologyEx(changed, changed, MorphTypes.Open, open);
        using (var close = Cv2.GetStructuringElement(MorphShapes.Ellipse, new Size(15, 15)))
            Cv2.MorphologyEx(changed, changed, MorphTypes.Close, close);

        using var labels = new Mat();
        using var stats = new Mat();
        using var centroids = new Mat();
        int n = Cv2.ConnectedComponentsWithStats(changed, labels, stats, centroids);
        var regions = new List<DeskChange>();
        for (int i = 1; i < n; i++)
        {
            int area = stats.At<int>(i, (int)ConnectedComponentsTypes.Area);
            if (area < MinRegionShare * zoneArea) continue;
            var rect = new Rect(stats.At<int>(i, 0), stats.At<int>(i, 1), stats.At<int>(i, 2), stats.At<int>(i, 3));
            regions.Add(new DeskChange(Pictures.ToBox(rect), Math.Min(1, area / (FullRegionShare * zoneArea))));
        }
        return regions.OrderByDescending(r => r.Share).ToList();
    }

    private static Mat NormalisedGreyDifference(Mat reference, Mat current, Mat mask)
    {
        using var a = Normalised(reference, mask);
        using var b = Normalised(current, mask);
        var diff = new Mat();
        Cv2.Absdiff(a, b, diff);
        return diff;
    }

    private static Mat Normalised(Mat bgr, Mat mask)
    {
        using var grey = Pictures.Grey(bgr);
        using var blurred = new Mat();
        Cv2.GaussianBlur(grey, blurred, new Size(5, 5), 0);
        Cv2.MeanStdDev(blurred, out var mean, out var spread, mask);
        var result = new Mat();
        blurred.ConvertTo(result, MatType.CV_32F, 1 / Math.Max(1, spread.Val0), -mean.Val0 / Math.Max(1, spread.Val0));
        return result;
    }

    private static Mat ChromaDifference(Mat reference, Mat current)
    {
        using var la = new Mat(); using var lb = new Mat();
        using (var blurred = new Mat())
        {
            Cv2.GaussianBlur(reference, blurred, new Size(7, 7), 0);
            Cv2.CvtColor(blurred, la, ColorConversionCodes.BGR2Lab);
            Cv2.GaussianBlur(current, blurred, new Size(7, 7), 0);
            Cv2.CvtColor(blurred, lb, ColorConversionCodes.BGR2Lab);
        }
        using var diff = new Mat();
        Cv2.Absdiff(la, lb, diff);
        var channels = diff.Split();
        var chroma = new Mat();
        Cv2.Max(channels[1], channels[2], chroma);
        foreach (var c in channels) c.Dispose();
        return chroma;
    }

    /// <summary>
    /// Equipment (of <paramref name="tracked"/> labels) the model found on the reference desk, looked for again now: one
    /// of the same label overlapping its place (IoU ≥ <paramref name="minOverlap"/>) is in place; else the nearest one of
    /// that label is misplaced. One hidden behind a person is not judged.
    /// </summary>
    public static IReadOnlyList<Misplaced> OutOfPlace(IReadOnlyList<Detection> onReference, IReadOnlyList<Detection> now,
        IReadOnlySet<string> tracked, double minOverlap = 0.3)
    {
        var people = now.Where(d => d.Label == "person").Select(d => d.Box).ToList();
        var result = new List<Misplaced>();
        foreach (var item in onReference.Where(d => tracked.Contains(d.Label)))
        {
            var same = now.Where(d => d.Label == item.Label).ToList();
            var best = same.MaxBy(d => d.Box.IoU(item.Box));
            if (best is not null && best.Box.IoU(item.Box) >= minOverlap) continue;
            if (people.Any(p => p.IntersectionArea(item.Box) > 0.3 * item.Box.Area)) continue;
            if (best is not null) result.Add(new Misplaced(item.Label, best.Box, item.Box, 1 - best.Box.IoU(item.Box)));
        }
        return result;
    }
}
