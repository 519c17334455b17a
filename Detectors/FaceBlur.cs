using OpenCvSharp;

namespace DeskVision.Detectors;

/// <summary>
/// Makes faces unrecognisable in a picture before it is kept as evidence: every face BlazeFace finds, and the head
/// region of every person the object detector found (CCTV faces are often too small, turned away or blurred for a face
/// detector, but the person around them is still found). Blurring too much costs a reviewer little; a face left costs
/// a customer's privacy.
/// </summary>
public sealed class FaceBlur(FaceDetector faces)
{
    /// <summary>Faces below this score are blurred too: a false face costs a blurred patch, a missed one a person's privacy.</summary>
    public const float FaceScore = 0.3f;

    /// <summary>
    /// The picture re-encoded with faces and heads pixelated and blurred, in its own format (JPEG or PNG); null when it
    /// cannot be decoded at all, since what cannot be checked for faces must not be kept.
    /// </summary>
    public byte[]? Blur(byte[] encoded, IEnumerable<Box> people)
    {
        using var image = Cv2.ImDecode(encoded, ImreadModes.Color);
        if (image.Empty()) return null;
        // BlazeFace's box is the inner face; hair, ears and a face turned in profile reach well beyond it.
        var regions = faces.Detect(image, FaceScore).Select(f => Grow(f.Box, 0.5f))
            .Concat(people.Select(Head)).ToList();
        foreach (var region in regions) Obscure(image, Pictures.ToRect(region, image.Width, image.Height));
        bool png = encoded is [0x89, 0x50, 0x4E, 0x47, ..];
        return png ? image.ImEncode(".png") : image.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
    }

    /// <summary>
    /// Where a person's head can be in their box: the top of it, across the whole width (a head turned in profile or a
    /// person leaning sits at the box's edge, not its centre), as deep as the box is narrow.
    /// </summary>
    public static Box Head(Box person)
    {
        float side = Math.Min(person.Width, person.Height);
        return new Box(person.X1, person.Y1 - 0.05f * side, person.X2, person.Y1 + 0.65f * side);
    }

    private static Box Grow(Box b, float by) =>
        new(b.X1 - by * b.Width, b.Y1 - by * b.Height, b.X2 + by * b.Width, b.Y2 + by * b.Height);

    /// <summary>Pixelate to about 6 blocks across, then blur the blocks' edges: no detail of the face survives either step.</summary>
    private static void Obscure(Mat image, Rect r)
    {
        if (r.Width < 2 || r.Height < 2) return;
        using var region = new Mat(image, r);
        int cells = 6;
        using var small = new Mat();
        Cv2.Resize(region, small, new Size(Math.Max(1, Math.Min(cells, r.Width)), Math.Max(1, Math.Min(cells, r.Height))), 0, 0, InterpolationFlags.Area);
        using var blocks = new Mat();
        Cv2.Resize(small, blocks, r.Size, 0, 0, InterpolationFlags.Nearest);
        int k = Math.Max(3, (Math.Min(r.Width, r.Height) / 4) | 1);
        Cv2.GaussianBlur(blocks, region, new Size(k, k), 0);
    }
}
