using OpenCvSharp;

namespace DeskVision.Detectors;

/// <summary>Reading reference pictures and moving between <see cref="Box"/> and OpenCV rectangles.</summary>
public static class Pictures
{
    /// <summary>A reference picture as BGR; the message names the file when it cannot be read.</summary>
    public static Mat Read(string path)
    {
        var image = Cv2.ImRead(path, ImreadModes.Color);
        if (image.Empty())
        {
            image.Dispose();
            throw new InvalidDataException($"reference picture '{path}' could not be read as an image");
        }
        return image;
    }

    /// <summary>The box as whole pixels, clipped to the image; empty when nothing of it is inside.</summary>
    public static Rect ToRect(Box box, int width, int height)
    {
        int x1 = Math.Clamp((int)MathF.Floor(box.X1), 0, width), y1 = Math.Clamp((int)MathF.Floor(box.Y1), 0, height);
        int x2 = Math.Clamp((int)MathF.Ceiling(box.X2), 0, width), y2 = Math.Clamp((int)MathF.Ceiling(box.Y2), 0, height);
        return new Rect(x1, y1, Math.Max(0, x2 - x1), Math.Max(0, y2 - y1));
    }

    public static Box ToBox(Rect r) => new(r.X, r.Y, r.Right, r.Bottom);

    /// <summary>The reference resized to the snapshot's size when they differ (the camera's stream setting changed).</summary>
    public static Mat SameSize(Mat reference, Size size)
    {
        if (reference.Size() == size) return reference.Clone();
        var resized = new Mat();
        Cv2.Resize(reference, resized, size, 0, 0, InterpolationFlags.Area);
        return resized;
    }

    public static Mat Grey(Mat bgr)
    {
        var grey = new Mat();
        if (bgr.Channels() == 1) bgr.CopyTo(grey);
        else Cv2.CvtColor(bgr, grey, ColorConversionCodes.BGR2GRAY);
        return grey;
    }

    /// <summary>A filled mask of a polygon given in normalised coordinates.</summary>
    public static Mat PolygonMask(IReadOnlyList<(double X, double Y)> polygon, int width, int height)
    {
        var mask = new Mat(height, width, MatType.CV_8UC1, Scalar.All(0));
        var points = polygon.Select(p => new Point((int)Math.Round(p.X * width), (int)Math.Round(p.Y * height))).ToArray();
        Cv2.FillPoly(mask, [points], Scalar.All(255));
        return mask;
    }
}
