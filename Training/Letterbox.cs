using System.Runtime.InteropServices;
using OpenCvSharp;

namespace DeskVision.Training;

/// <summary>
/// The model input exactly as <c>ObjectDetector</c> makes it at inference: the image scaled to fit the square keeping
/// its aspect (bilinear, rounded size), centred on grey 114, then R, G, B planes scaled to 0..1. Training on anything
/// else would teach the network a picture it never sees in an audit.
/// </summary>
public readonly record struct Letterbox(float Scale, int PadX, int PadY, int Width, int Height)
{
    public static readonly Scalar Grey = new(114, 114, 114);

    /// <summary>Where an image of this size goes in a square input of <paramref name="size"/> pixels.</summary>
    public static Letterbox For(int imageWidth, int imageHeight, int size)
    {
        float scale = Math.Min((float)size / imageWidth, (float)size / imageHeight);
        int w = Math.Max(1, (int)Math.Round(imageWidth * scale)), h = Math.Max(1, (int)Math.Round(imageHeight * scale));
        return new Letterbox(scale, (size - w) / 2, (size - h) / 2, w, h);
    }

    /// <summary>The image scaled to the letterbox's inner size (what is pasted onto the grey square).</summary>
    public static Mat Resize(Mat bgr, Letterbox lb)
    {
        var resized = new Mat();
        if (lb.Width == bgr.Width && lb.Height == bgr.Height) bgr.CopyTo(resized);
        else Cv2.Resize(bgr, resized, new Size(lb.Width, lb.Height), 0, 0, InterpolationFlags.Linear);
        return resized;
    }

    /// <summary>The letterboxed BGR square of an image already scaled by <see cref="Resize"/>.</summary>
    public static Mat Canvas(Mat resized, Letterbox lb, int size)
    {
        var canvas = new Mat(size, size, MatType.CV_8UC3, Grey);
        using var roi = new Mat(canvas, new Rect(lb.PadX, lb.PadY, lb.Width, lb.Height));
        resized.CopyTo(roi);
        return canvas;
    }

    /// <summary>
    /// A BGR square as the model's planar RGB 0..1 floats, written into <paramref name="target"/> at
    /// <paramref name="offset"/> (3·S·S values): the same operations, so the same numbers, as <c>ObjectDetector</c>.
    /// </summary>
    public static void ToRgbPlanes(Mat bgrSquare, float[] target, int offset)
    {
        int s = bgrSquare.Rows, plane = s * s;
        if (target.Length < offset + 3 * plane) throw new ArgumentException("target too small", nameof(target));
        var bytePlanes = Enumerable.Range(0, 3).Select(_ => new Mat(s, s, MatType.CV_8UC1)).ToArray();
        var handle = GCHandle.Alloc(target, GCHandleType.Pinned);
        try
        {
            Cv2.MixChannels([bgrSquare], bytePlanes, [2, 0, 1, 1, 0, 2]);
            nint start = handle.AddrOfPinnedObject() + offset * sizeof(float);
            for (int c = 0; c < 3; c++)
            {
                using var floats = Mat.FromPixelData(s, s, MatType.CV_32FC1, start + c * plane * sizeof(float));
                bytePlanes[c].ConvertTo(floats, MatType.CV_32FC1, 1.0 / 255);
            }
        }
        finally
        {
            handle.Free();
            foreach (var p in bytePlanes) p.Dispose();
        }
    }
}
