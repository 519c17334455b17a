using OpenCvSharp;

namespace DeskVision.Training;

/// <summary>A box in input pixels of the square model input.</summary>
public readonly record struct PixelBox(int ClassId, float X1, float Y1, float X2, float Y2)
{
    public float Width => X2 - X1;
    public float Height => Y2 - Y1;
}

/// <summary>
/// How training images are varied. The defaults are the published YOLOv8 fine-tuning values: mosaic always, a
/// left-right flip half the time, HSV gains ±1.5 % hue, ±70 % saturation, ±40 % value, scale ±50 %, shift ±10 %.
/// </summary>
public sealed record AugmentOptions
{
    public double Mosaic { get; init; } = 1.0;
    public double FlipLeftRight { get; init; } = 0.5;
    public double Hue { get; init; } = 0.015;
    public double Saturation { get; init; } = 0.7;
    public double Value { get; init; } = 0.4;
    public double Scale { get; init; } = 0.5;
    public double Translate { get; init; } = 0.1;
    /// <summary>A box cut by the edge is kept while this share of it is still in the picture.</summary>
    public double MinVisible { get; init; } = 0.2;
    /// <summary>Boxes narrower or lower than this (input pixels) are dropped: nothing left to learn from.</summary>
    public float MinSide { get; init; } = 2;

    /// <summary>Geometry only: for checking where boxes land.</summary>
    public static AugmentOptions NoColour => new() { Hue = 0, Saturation = 0, Value = 0 };
}

/// <summary>
/// Makes square training inputs from labelled images: the inference letterbox, then (when augmenting) a mosaic of four
/// images, random scale and shift, a horizontal flip and an HSV jitter. Boxes follow every step, are clipped to the
/// picture, and are dropped when too little of them is left. Images are decoded once and kept at input scale.
/// </summary>
public sealed class Augmenter : IDisposable
{
    private readonly IReadOnlyList<LabelledImage> _images;
    private readonly int _size;
    private readonly Mat?[] _cache;
    private readonly Letterbox[] _letterboxes;

    public AugmentOptions Options { get; set; }

    public Augmenter(IReadOnlyList<LabelledImage> images, int size, AugmentOptions? options = null)
    {
        _images = images;
        _size = size;
        _cache = new Mat?[images.Count];
        _letterboxes = new Letterbox[images.Count];
        Options = options ?? new AugmentOptions();
    }

    public int Count => _images.Count;

    /// <summary>The letterbox image <paramref name="index"/> gets at inference (to map boxes back to its pixels).</summary>
    public Letterbox LetterboxOf(int index) { Scaled(index); return _letterboxes[index]; }

    /// <summary>The plain inference letterbox of one image and its boxes: what validation sees.</summary>
    public (Mat Bgr, List<PixelBox> Boxes) Plain(int index)
    {
        var scaled = Scaled(index);
        var lb = _letterboxes[index];
        var boxes = BoxesOf(index, lb.Width, lb.Height, lb.PadX, lb.PadY);
        return (Letterbox.Canvas(scaled, lb, _size), Clip(boxes, boxes));
    }

    /// <summary>One augmented training input built around image <paramref name="index"/>.</summary>
    public (Mat Bgr, List<PixelBox> Boxes) Augmented(int index, Random random)
    {
        var o = Options;
        Mat canvas;
        List<PixelBox> full, visible;
        if (random.NextDouble() < o.Mosaic)
            (canvas, full, visible) = Mosaic(index, random);
        else
        {
            var (plain, boxes) = Plain(index);
            var affine = RandomAffine(random, centre: _size / 2.0);
            canvas = Warp(plain, affine);
            plain.Dispose();
            full = Transform(boxes, affine);
            visible = full;
        }
        var kept = Clip(full, visible);

        if (random.NextDouble() < o.FlipLeftRight)
        {
            Cv2.Flip(canvas, canvas, FlipMode.Y);
            kept = kept.ConvertAll(b => b with { X1 = _size - b.X2, X2 = _size - b.X1 });
        }
        if (o.Hue > 0 || o.Saturation > 0 || o.Value > 0) JitterHsv(canvas, random);
        return (canvas, kept);
    }

    /// <summary>
    /// Four images around a random centre on a 2S square (image i, then three others at random), scaled and shifted
    /// at random and cut to S: objects appear at every scale and position, and partly cut, as in a crowded hall.
    /// </summary>
    private (Mat Canvas, List<PixelBox> Full, List<PixelBox> Visible) Mosaic(int index, Random random)
    {
        int s = _size, big = 2 * s;
        using var mosaic = new Mat(big, big, MatType.CV_8UC3, Letterbox.Grey);
        int xc = random.Next(s / 2, 3 * s / 2), yc = random.Next(s / 2, 3 * s / 2);
        int[] picks = [index, random.Next(Count), random.Next(Count), random.Next(Count)];
        var full = new List<PixelBox>();
        var visible = new List<PixelBox>();
        for (int q = 0; q < 4; q++)
        {
            var img = Scaled(picks[q]);
            int w = img.Width, h = img.Height;
            // The quadrant's corner touching the centre, and the part of the image that fits on the 2S square.
            int x1 = q is 0 or 2 ? Math.Max(xc - w, 0) : xc;
            int y1 = q is 0 or 1 ? Math.Max(yc - h, 0) : yc;
            int x2 = q is 0 or 2 ? xc : Math.Min(xc + w, big);
            int y2 = q is 0 or 1 ? yc : Math.Min(yc + h, big);
            int sx = q is 0 or 2 ? w - (x2 - x1) : 0, sy = q is 0 or 1 ? h - (y2 - y1) : 0;
            using (var src = new Mat(img, new Rect(sx, sy, x2 - x1, y2 - y1)))
            using (var dst = new Mat(mosaic, new Rect(x1, y1, x2 - x1, y2 - y1)))
                src.CopyTo(dst);
            foreach (var b in BoxesOf(picks[q], w, h, x1 - sx, y1 - sy))
            {
                full.Add(b);
                visible.Add(b with
                {
                    X1 = Math.Max(b.X1, x1), Y1 = Math.Max(b.Y1, y1),
                    X2 = Math.Min(b.X2, x2), Y2 = Math.Min(b.Y2, y2),
                });
            }
        }
        var affine = RandomAffine(random, centre: s);
        return (Warp(mosaic, affine), Transform(full, affine), Transform(visible, affine));
    }

    /// <summary>Scale about <paramref name="centre"/> (source pixels), then put that point at the output centre plus a random shift.</summary>
    private double[] RandomAffine(Random random, double centre)
    {
        var o = Options;
        double scale = 1 + (2 * random.NextDouble() - 1) * o.Scale;
        double tx = _size / 2.0 + (2 * random.NextDouble() - 1) * o.Translate * _size;
        double ty = _size / 2.0 + (2 * random.NextDouble() - 1) * o.Translate * _size;
        // x' = scale·(x − centre) + tx: no rotation or shear, so boxes stay exact rectangles.
        return [scale, 0, tx - scale * centre, 0, scale, ty - scale * centre];
    }

    private Mat Warp(Mat src, double[] m)
    {
        using var affine = Mat.FromPixelData(2, 3, MatType.CV_64FC1, m);
        var dst = new Mat();
        Cv2.WarpAffine(src, dst, affine, new Size(_size, _size), InterpolationFlags.Linear, BorderTypes.Constant, Letterbox.Grey);
        return dst;
    }

    private static List<PixelBox> Transform(List<PixelBox> boxes, double[] m) => boxes.ConvertAll(b => b with
    {
        X1 = (float)(m[0] * b.X1 + m[2]), Y1 = (float)(m[4] * b.Y1 + m[5]),
        X2 = (float)(m[0] * b.X2 + m[2]), Y2 = (float)(m[4] * b.Y2 + m[5]),
    });

    /// <summary>Each visible box clipped to the square; kept while big enough and while enough of its full box shows.</summary>
    private List<PixelBox> Clip(List<PixelBox> full, List<PixelBox> visible)
    {
        var kept = new List<PixelBox>();
        for (int i = 0; i < full.Count; i++)
        {
            var v = visible[i];
            var c = v with
            {
                X1 = Math.Clamp(v.X1, 0, _size), Y1 = Math.Clamp(v.Y1, 0, _size),
                X2 = Math.Clamp(v.X2, 0, _size), Y2 = Math.Clamp(v.Y2, 0, _size),
            };
            if (c.Width < Options.MinSide || c.Height < Options.MinSide) continue;
            double fullArea = (double)full[i].Width * full[i].Height;
            if (c.Width * (double)c.Height < Options.MinVisible * fullArea) continue;
            kept.Add(c);
        }
        return kept;
    }

    private void JitterHsv(Mat bgr, Random random)
    {
        var o = Options;
        double gh = 1 + (2 * random.NextDouble() - 1) * o.Hue;
        double gs = 1 + (2 * random.NextDouble() - 1) * o.Saturation;
        double gv = 1 + (2 * random.NextDouble() - 1) * o.Value;
        var hue = new byte[256];
        var sat = new byte[256];
        var val = new byte[256];
        for (int x = 0; x < 256; x++)
        {
            hue[x] = (byte)((int)(x * gh) % 180); // OpenCV's 8-bit hue runs 0..179
            sat[x] = (byte)Math.Clamp(x * gs, 0, 255);
            val[x] = (byte)Math.Clamp(x * gv, 0, 255);
        }
        using var hsv = new Mat();
        Cv2.CvtColor(bgr, hsv, ColorConversionCodes.BGR2HSV);
        var planes = hsv.Split();
        try
        {
            Cv2.LUT(planes[0], hue, planes[0]);
            Cv2.LUT(planes[1], sat, planes[1]);
            Cv2.LUT(planes[2], val, planes[2]);
            Cv2.Merge(planes, hsv);
        }
        finally
        {
            foreach (var p in planes) p.Dispose();
        }
        Cv2.CvtColor(hsv, bgr, ColorConversionCodes.HSV2BGR);
    }

    /// <summary>Image <paramref name="index"/>'s boxes in pixels of its scaled copy, shifted by (dx, dy).</summary>
    private List<PixelBox> BoxesOf(int index, int width, int height, int dx, int dy) =>
        _images[index].Boxes.Select(b => new PixelBox(b.ClassId,
            (b.Cx - b.W / 2) * width + dx, (b.Cy - b.H / 2) * height + dy,
            (b.Cx + b.W / 2) * width + dx, (b.Cy + b.H / 2) * height + dy)).ToList();

    /// <summary>The image decoded and scaled as the inference letterbox scales it, kept for the next epochs.</summary>
    private Mat Scaled(int index)
    {
        if (_cache[index] is { } cached) return cached;
        string path = _images[index].ImagePath;
        using var bgr = Cv2.ImRead(path, ImreadModes.Color);
        if (bgr.Empty()) throw new DatasetException(path, null, "not a decodable image");
        _letterboxes[index] = Letterbox.For(bgr.Width, bgr.Height, _size);
        return _cache[index] = Letterbox.Resize(bgr, _letterboxes[index]);
    }

    public void Dispose()
    {
        foreach (var m in _cache) m?.Dispose();
    }
}
