using OpenCvSharp;

namespace DeskVision.Detectors;

/// <summary>Where the sign was found and how well it matched (0..1).</summary>
public sealed record SignMatch(Box Box, double Score);

/// <summary>
/// Finds the window's "暂停服务" (service paused) sign by comparing with a picture of it taken from this camera.
/// Two matchers, the better one wins: normalised cross-correlation of the colour picture over a few scales and turns (the sign stands
/// at about the same place and size, so this is robust even when the sign is small), and ORB features with a RANSAC
/// homography (survives the sign being turned or tilted, when it is large enough to have features).
/// </summary>
public sealed class PauseSignFinder : IDisposable
{
    private static readonly double[] Scales = [0.7, 0.8, 0.9, 1.0, 1.12, 1.25, 1.4];
    private static readonly double[] Angles = [-4, 0, 4];
    private readonly Mat _sign, _signColour;
    private readonly ORB _orb = ORB.Create(500);
    private readonly KeyPoint[] _signPoints;
    private readonly Mat _signDescriptors = new();

    /// <param name="signPicture">BGR picture of the sign alone, at the size it appears on this camera.</param>
    public PauseSignFinder(Mat signPicture)
    {
        _signColour = signPicture.Clone();
        _sign = Pictures.Grey(signPicture);
        _orb.DetectAndCompute(_sign, null, out _signPoints, _signDescriptors);
    }

    /// <summary>The best match inside <paramref name="area"/> (the counter, where the sign is put out), or null.</summary>
    public SignMatch? Find(Mat bgr, Rect area)
    {
        area &= new Rect(0, 0, bgr.Width, bgr.Height);
        if (area.Width < 8 || area.Height < 8) return null;
        using var colour = new Mat(bgr, area);
        using var whole = Pictures.Grey(bgr);
        using var grey = new Mat(whole, area);
        var best = ByTemplate(colour);
        var byFeatures = ByFeatures(grey);
        if (byFeatures is not null && (best is null || byFeatures.Score > best.Score)) best = byFeatures;
        return best is null ? null : best with { Box = new Box(best.Box.X1 + area.X, best.Box.Y1 + area.Y, best.Box.X2 + area.X, best.Box.Y2 + area.Y) };
    }

    /// <summary>In colour: a card of the same shape in other colours (欢迎光临 in blue) must not pass for the red sign.</summary>
    private SignMatch? ByTemplate(Mat colour)
    {
        // Matched at a working size where the sign is about 24 px tall: enough to read its shape and colours, and a
        // large sign costs no more than a small one.
        double work = Math.Clamp(24.0 / _sign.Height, 0.25, 1.0);
        using var area = new Mat();
        Cv2.Resize(colour, area, new Size(Math.Max(1, (int)(colour.Width * work)), Math.Max(1, (int)(colour.Height * work))), 0, 0, InterpolationFlags.Area);
        SignMatch? best = null;
        foreach (double s in Scales)
        foreach (double angle in Angles)
        {
            int w = (int)Math.Round(_sign.Width * s * work), h = (int)Math.Round(_sign.Height * s * work);
            if (w < 8 || h < 8 || w > area.Width || h > area.Height) continue;
            using var template = new Mat();
            Cv2.Resize(_signColour, template, new Size(w, h), 0, 0, InterpolationFlags.Area);
            if (angle != 0)
            {
                // A sign put down a little askew: the template turned about its centre, corners filled from its edge.
                using var turn = Cv2.GetRotationMatrix2D(new Point2f(w / 2f, h / 2f), angle, 1);
                Cv2.WarpAffine(template, template, turn, template.Size(), InterpolationFlags.Linear, BorderTypes.Replicate);
            }
            using var result = new Mat();
            Cv2.MatchTemplate(area, template, result, TemplateMatchModes.CCoeffNormed);
            Cv2.MinMaxLoc(result, out _, out double score, out _, out Point at);
            if (best is null || score > best.Score)
                best = new SignMatch(new Box((float)(at.X / work), (float)(at.Y / work), (float)((at.X + w) / work), (float)((at.Y + h) / work)), Math.Max(0, score));
        }
        return best;
    }

    private SignMatch? ByFeatures(Mat grey)
    {
        if (_signPoints.Length < 10) return null;
        using var descriptors = new Mat();
        _orb.DetectAndCompute(grey, null, out var points, descriptors);
        if (points.Length < 10 || descriptors.Empty()) return null;
        using var matcher = new BFMatcher(NormTypes.Hamming);
        var good = matcher.KnnMatch(_signDescriptors, descriptors, 2)
            .Where(m => m.Length == 2 && m[0].Distance < 0.75 * m[1].Distance).Select(m => m[0]).ToList();
        if (good.Count < 10) return null;
        var src = good.Select(m => new Point2d(_signPoints[m.QueryIdx].Pt.X, _signPoints[m.QueryIdx].Pt.Y)).ToList();
        var dst = good.Select(m => new Point2d(points[m.TrainIdx].Pt.X, points[m.TrainIdx].Pt.Y)).ToList();
        using var inliers = new Mat();
        using var homography = Cv2.FindHomography(src, dst, HomographyMethods.Ransac, 4, inliers);
        if (homography.Empty()) return null;
        int kept = Cv2.CountNonZero(inliers);
        var corners = Cv2.PerspectiveTransform(
            [new Point2f(0, 0), new Point2f(_sign.Width, 0), new Point2f(_sign.Width, _sign.Height), new Point2f(0, _sign.Height)], homography);
        // A real sign maps to a convex quadrilateral of sensible size; a degenerate homography fits noise.
        double area = Math.Abs(Cv2.ContourArea(corners));
        double signArea = _sign.Width * _sign.Height;
        if (!Cv2.IsContourConvex(corners) || area < 0.1 * signArea || area > 10 * signArea || kept < 10) return null;
        var box = new Box(corners.Min(c => c.X), corners.Min(c => c.Y), corners.Max(c => c.X), corners.Max(c => c.Y));
        // Inlier share of the sign's own features, so the score reads like the template's 0..1.
        return new SignMatch(box, Math.Min(1.0, kept / (0.3 * _signPoints.Length)));
    }

    public void Dispose()
    {
        _sign.Dispose();
        _signColour.Dispose();
        _signDescriptors.Dispose();
        _orb.Dispose();
    }
}
