using OpenCvSharp;

namespace DeskVision.Web.Insights;

/// <summary>
/// Where on the desk violations happen: the evidence boxes of many audits, accumulated as masks on the window camera's
/// latest snapshot, smoothed, coloured (blue few → red many) and blended over the picture, with the zones outlined.
/// </summary>
public static class DensityOverlay
{
    /// <summary>An evidence box in 0..1 of the image it was found on (audits differ in size).</summary>
    public readonly record struct NormalBox(double X1, double Y1, double X2, double Y2);

    public const int MaxWidth = 960;

    /// <param name="snapshot">The picture to draw on (a stored snapshot, faces already blurred); null or unreadable: a grey canvas.</param>
    /// <param name="zones">Polygons in 0..1, outlined in blue.</param>
    /// <returns>A PNG.</returns>
    public static byte[] Render(string? snapshot, IReadOnlyList<NormalBox> boxes, IReadOnlyList<IReadOnlyList<(double X, double Y)>> zones)
    {
        using var picture = Load(snapshot);
        int w = picture.Width, h = picture.Height;
        using var heat = new Mat(h, w, MatType.CV_32FC1, Scalar.All(0));
        foreach (var b in boxes)
        {
            int x1 = Clamp(b.X1 * w, w), y1 = Clamp(b.Y1 * h, h), x2 = Clamp(b.X2 * w, w), y2 = Clamp(b.Y2 * h, h);
            if (x2 <= x1 || y2 <= y1) continue;
            using var roi = new Mat(heat, new Rect(x1, y1, x2 - x1, y2 - y1));
            Cv2.Add(roi, Scalar.All(1), roi);
        }
        using var result = picture.Clone();
        if (boxes.Count > 0)
        {
            Cv2.GaussianBlur(heat, heat, new Size(0, 0), Math.Max(2, w / 80.0));
            Cv2.MinMaxLoc(heat, out _, out double max);
            if (max > 0)
            {
                using var level = new Mat();
                heat.ConvertTo(level, MatType.CV_8UC1, 255 / max);
                using var colour = new Mat();
                Cv2.ApplyColorMap(level, colour, ColormapTypes.Jet);
                // Opacity follows density: untouched desk stays as it is, the hottest spot is 70 % colour.
                using var alpha = new Mat();
                heat.ConvertTo(alpha, MatType.CV_32FC1, 0.7 / max);
                Cv2.Threshold(alpha, alpha, 0.04, 0, ThresholdTypes.Tozero);
                using var alpha3 = new Mat();
                Cv2.Merge([alpha, alpha, alpha], alpha3);
                using var base32 = new Mat();
                using var colour32 = new Mat();
                picture.ConvertTo(base32, MatType.CV_32FC3);
                colour.ConvertTo(colour32, MatType.CV_32FC3);
                using var diff = new Mat();
                Cv2.Subtract(colour32, base32, diff);
                Cv2.Multiply(diff, alpha3, diff);
                Cv2.Add(base32, diff, base32);
                base32.ConvertTo(result, MatType.CV_8UC3);
            }
        }
        foreach (var zone in zones.Where(z => z.Count >= 3))
        {
            var points = zone.Select(p => new Point(Clamp(p.X * w, w), Clamp(p.Y * h, h))).ToArray();
            Cv2.Polylines(result, [points], isClosed: true, new Scalar(255, 121, 41), 2, LineTypes.AntiAlias);
        }
        return result.ImEncode(".png");
    }

    private static Mat Load(string? path)
    {
        if (path is not null && File.Exists(path))
        {
            var image = Cv2.ImRead(path, ImreadModes.Color);
            if (!image.Empty())
            {
                if (image.Width <= MaxWidth) return image;
                var small = new Mat();
                Cv2.Resize(image, small, new Size(MaxWidth, (int)Math.Round(image.Height * (double)MaxWidth / image.Width)), 0, 0, InterpolationFlags.Area);
                image.Dispose();
                return small;
            }
            image.Dispose();
        }
        return new Mat(540, MaxWidth, MatType.CV_8UC3, new Scalar(90, 90, 90));
    }

    private static int Clamp(double v, int size) => Math.Clamp((int)Math.Round(v), 0, size);
}
