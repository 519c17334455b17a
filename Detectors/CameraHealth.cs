using OpenCvSharp;

namespace DeskVision.Detectors;

public enum HealthProblem { None, Covered, Blurred, Moved }

/// <summary>What the health checks measured on one frame.</summary>
/// <param name="Sharpness">Variance of the Laplacian of the frame scaled to <see cref="CameraHealth.WorkWidth"/> px wide: low means blurred.</param>
/// <param name="FlatShare">Share of the frame's cells with almost no texture: high means something covers the lens.</param>
/// <param name="ViewMatch">Share of the reference view's features found again where they were (null without a reference): low means the camera moved.</param>
public sealed record HealthReading(double Sharpness, double FlatShare, double? ViewMatch);

/// <summary>
/// Whether a frame is fit to be judged: a blurred, covered or moved camera would otherwise turn a camera fault into
/// violations (an "empty seat" that is really a lens covered by a hand). Measured on a copy scaled to a fixed width,
/// so the numbers do not depend on the camera's resolution.
/// </summary>
public static class CameraHealth
{
    public const int WorkWidth = 640;

    /// <summary>A cell this flat (grey standard deviation) shows nothing: a hand, a cloth, a wall a lens was turned to.</summary>
    public const double FlatCellSpread = 4.0;

    /// <summary>Above this share of flat cells the lens is taken as covered.</summary>
    public const double CoveredShare = 0.75;

    public static HealthReading Measure(Mat bgr, Mat? referenceView)
    {
        using var grey = WorkingGrey(bgr);
        using var view = referenceView is null ? null : new ReferenceView(referenceView);
        return MeasureWorkingGrey(grey, view);
    }

    /// <summary>As <see cref="Measure"/>, on a <see cref="WorkingGrey"/> copy the caller already made (and uses for more),
    /// against a reference view whose features were worked out once (the audit keeps it per reference picture).</summary>
    public static HealthReading MeasureWorkingGrey(Mat grey, ReferenceView? view) =>
        new(Sharpness(grey), FlatShare(grey), view is null ? null : ViewMatch(view, grey));

    /// <summary>What is wrong with the frame, the first of: covered, blurred, moved (a covered or blurred frame cannot tell whether the camera moved).</summary>
    public static HealthProblem Diagnose(HealthReading r, double minSharpness, double minViewMatch) =>
        r.FlatShare >= CoveredShare ? HealthProblem.Covered
        : r.Sharpness < minSharpness ? HealthProblem.Blurred
        : r.ViewMatch is double match && match < minViewMatch ? HealthProblem.Moved
        : HealthProblem.None;

    /// <summary>Why the frame cannot be judged, or null when it can.</summary>
    public static string? Problem(HealthReading r, double minSharpness, double minViewMatch) => Diagnose(r, minSharpness, minViewMatch) switch
    {
        HealthProblem.Covered => $"lens covered or view blocked ({r.FlatShare:P0} of the picture shows no detail)",
        HealthProblem.Blurred => $"picture blurred (sharpness {r.Sharpness:0.0} < {minSharpness:0.0}): lens dirty, out of focus or fogged",
        HealthProblem.Moved => $"camera moved: the view matches its reference picture only {r.ViewMatch:P0} (< {minViewMatch:P0}); check the mounting, then take new references",
        _ => null,
    };

    /// <summary>The frame in grey, <see cref="WorkWidth"/> px wide: what every cheap check of a frame looks at.</summary>
    public static Mat WorkingGrey(Mat bgr)
    {
        using var grey = Pictures.Grey(bgr);
        var scaled = new Mat();
        double f = (double)WorkWidth / grey.Width;
        Cv2.Resize(grey, scaled, new Size(WorkWidth, Math.Max(1, (int)Math.Round(grey.Height * f))), 0, 0, InterpolationFlags.Area);
        return scaled;
    }

    public static double Sharpness(Mat grey)
    {
        using var lap = new Mat();
        Cv2.Laplacian(grey, lap, MatType.CV_64F);
        Cv2.MeanStdDev(lap, out _, out var spread);
        return spread.Val0 * spread.Val0;
    }

    private static double FlatShare(Mat grey)
    {
        const int cells = 16;
        int cw = grey.Width / cells, ch = grey.Height / cells, flat = 0;
        if (cw == 0 || ch == 0) return 0;
        for (int y = 0; y < cells; y++)
            for (int x = 0; x < cells; x++)
            {
                using var cell = new Mat(grey, new Rect(x * cw, y * ch, cw, ch));
                Cv2.MeanStdDev(cell, out _, out var spread);
                if (spread.Val0 < FlatCellSpread) flat++;
            }
        return flat / (double)(cells * cells);
    }

    /// <summary>
    /// ORB features of the reference view matched to the frame (Lowe's ratio test): the share of the reference's features
    /// found again within a few pixels of where they were. People and objects moving cover some of them; a camera
    /// knocked or turned moves them all.
    /// </summary>
    private static double ViewMatch(ReferenceView reference, Mat grey)
    {
        using var orb = ORB.Create(ReferenceView.Features);
        using var curDesc = new Mat();
        var refPoints = reference.Points;
        var refDesc = reference.Descriptors;
        orb.DetectAndCompute(grey, null, out var curPoints, curDesc);
        if (refPoints.Length < 20) return 1; // a reference without texture cannot tell; do not blame the camera
        if (curPoints.Length < 8 || curDesc.Empty()) return 0;
        using var matcher = new BFMatcher(NormTypes.Hamming);
        var good = matcher.KnnMatch(refDesc, curDesc, 2)
            .Where(m => m.Length == 2 && m[0].Distance < 0.8 * m[1].Distance).Select(m => m[0]).ToList();
        if (good.Count < 8) return good.Count / (double)refPoints.Length;
        var src = good.Select(m => new Point2d(refPoints[m.QueryIdx].Pt.X, refPoints[m.QueryIdx].Pt.Y)).ToList();
        var dst = good.Select(m => new Point2d(curPoints[m.TrainIdx].Pt.X, curPoints[m.TrainIdx].Pt.Y)).ToList();
        // In place: a fixed camera's features stay within a few pixels (at 640 px wide) of where the reference had them.
        double tolerance = 0.02 * WorkWidth;
        int stayed = src.Zip(dst).Count(p => Math.Abs(p.First.X - p.Second.X) <= tolerance && Math.Abs(p.First.Y - p.Second.Y) <= tolerance);
        return stayed / (double)Math.Min(refPoints.Length, 500);
    }
}

/// <summary>
/// A reference view's ORB features, worked out once per picture: the reference does not change between audits, so only
/// the snapshot's features need computing each time. Read-only after construction, so audits may share one.
/// </summary>
public sealed class ReferenceView : IDisposable
{
    internal const int Features = 1000;

    internal KeyPoint[] Points { get; }
    internal Mat Descriptors { get; } = new();

    public ReferenceView(Mat bgr)
    {
        using var grey = CameraHealth.WorkingGrey(bgr);
        using var orb = ORB.Create(Features);
        orb.DetectAndCompute(grey, null, out var points, Descriptors);
        Points = points;
    }

    public void Dispose() => Descriptors.Dispose();
}
