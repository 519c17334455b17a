using System.Text.RegularExpressions;
using OpenCvSharp;

namespace DeskVision.Training;

/// <summary>
/// Splits frames for validation so that near-identical frames of one camera never sit on both sides, which would
/// measure memory instead of accuracy. Frames are joined into groups by the camera named in the file name and by
/// the look of a tiny grey thumbnail; whole groups are held out. A group bigger than a fold (all frames from one
/// camera) is cut into blocks of consecutive frames (by the time or number in the name): the frames either side of
/// a cut may still look alike, which <see cref="SplitPlan.Method"/> says.
/// </summary>
public static partial class TrainValSplit
{
    /// <summary>Thumbnails correlating at least this much are taken for one camera's view (see <see cref="Similarity"/>).</summary>
    public const double SameViewCorrelation = 0.80;

    public static (IReadOnlyList<LabelledImage> Train, IReadOnlyList<LabelledImage> Val) HoldOut(
        IReadOnlyList<LabelledImage> images, double fraction, int seed)
    {
        if (fraction is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "must lie between 0 and 1");
        int k = Math.Max(2, (int)Math.Round(1 / fraction));
        var plan = Folds(images, k, seed);
        var val = plan.Folds[new Random(seed).Next(k)];
        return (plan.TrainFor(val), val);
    }

    /// <summary>A grouped k-fold: each image in exactly one fold; a group is split only when it is bigger than a fold.</summary>
    public static SplitPlan Folds(IReadOnlyList<LabelledImage> images, int k, int seed)
    {
        if (images.Count < k) throw new ArgumentException($"{images.Count} images cannot make {k} folds", nameof(images));
        var groups = Groups(images);
        int foldSize = (int)Math.Ceiling((double)images.Count / k);

        // Groups too big for a fold become blocks of consecutive frames.
        var pieces = new List<List<LabelledImage>>();
        int cut = 0;
        foreach (var g in groups)
        {
            if (g.Count <= foldSize) { pieces.Add(g); continue; }
            var ordered = g.OrderBy(TimeKey, StringComparer.Ordinal).ToList();
            int blocks = (int)Math.Ceiling((double)g.Count / foldSize);
            cut++;
            for (int b = 0; b < blocks; b++)
            {
                int from = b * g.Count / blocks, to = (b + 1) * g.Count / blocks;
                pieces.Add(ordered.GetRange(from, to - from));
            }
        }

        // Largest pieces first, each to the emptiest fold; the seed breaks ties so another seed gives another split.
        var random = new Random(seed);
        var folds = Enumerable.Range(0, k).Select(_ => new List<LabelledImage>()).ToList();
        foreach (var piece in pieces.OrderByDescending(p => p.Count).ThenBy(_ => random.Next()))
        {
            int least = folds.Min(f => f.Count);
            var candidates = folds.Where(f => f.Count == least).ToList();
            candidates[random.Next(candidates.Count)].AddRange(piece);
        }

        string method = cut == 0
            ? $"{groups.Count} camera/scene groups, whole groups per fold"
            : groups.Count == 1
                ? "one camera/scene: folds are blocks of consecutive frames (by the time or number in the file name); frames either side of a block edge may look alike"
                : $"{groups.Count} camera/scene groups; {cut} larger than a fold cut into blocks of consecutive frames";
        return new SplitPlan([.. folds.Where(f => f.Count > 0)], groups.Count, method);
    }

    /// <summary>Frames joined when their file names name the same camera or their thumbnails look alike (transitively).</summary>
    public static List<List<LabelledImage>> Groups(IReadOnlyList<LabelledImage> images)
    {
        var parent = Enumerable.Range(0, images.Count).ToArray();
        int Find(int i) => parent[i] == i ? i : parent[i] = Find(parent[i]);
        void Union(int a, int b) => parent[Find(a)] = Find(b);

        for (int i = 0; i < images.Count; i++)
            for (int j = i + 1; j < images.Count; j++)
                if (images[i].Group.Length > 0 && images[i].Group == images[j].Group) Union(i, j);

        var thumbs = images.Select(i => Thumbnail(i.ImagePath)).ToList();
        for (int i = 0; i < images.Count; i++)
            for (int j = i + 1; j < images.Count; j++)
                if (Find(i) != Find(j) && Similarity(thumbs[i], thumbs[j]) >= SameViewCorrelation) Union(i, j);

        return [.. Enumerable.Range(0, images.Count).GroupBy(Find).Select(g => g.Select(i => images[i]).ToList())];
    }

    /// <summary>
    /// The camera a file name names, or "" when it names none: an IP address with an optional channel
    /// (<c>172-19-19-150_05_20230221125824323</c>) or a prefix before a date stamp (<c>gate-cam_20240301_0900</c>).
    /// Export suffixes such as Roboflow's <c>_jpg.rf.&lt;hash&gt;</c> are ignored.
    /// </summary>
    public static string CameraOf(string fileName)
    {
        string stem = ExportSuffix().Replace(Path.GetFileNameWithoutExtension(fileName), "");
        if (IpCamera().Match(stem) is { Success: true } ip) return ip.Groups[1].Value;
        if (DatedCamera().Match(stem) is { Success: true } dated) return dated.Groups[1].Value;
        return "";
    }

    /// <summary>Orders one camera's frames in time: the digits of the name, zero-padded so that 98 comes before 103.</summary>
    private static string TimeKey(LabelledImage image)
    {
        string stem = ExportSuffix().Replace(Path.GetFileNameWithoutExtension(image.ImagePath), "");
        return Digits().Replace(stem, m => m.Value.PadLeft(20, '0'));
    }

    /// <summary>A 16×16 grey thumbnail, zero mean and unit length, so that a dot product is a correlation.</summary>
    public static float[] Thumbnail(string imagePath)
    {
        using var small = Cv2.ImRead(imagePath, ImreadModes.ReducedGrayscale4);
        if (small.Empty()) throw new DatasetException(imagePath, null, "not a decodable image");
        using var thumb = new Mat();
        Cv2.Resize(small, thumb, new Size(16, 16), 0, 0, InterpolationFlags.Area);
        thumb.GetArray(out byte[] pixels);
        float mean = (float)pixels.Average(p => p);
        var v = pixels.Select(p => p - mean).ToArray();
        float norm = MathF.Sqrt(v.Sum(x => x * x));
        if (norm > 0) for (int i = 0; i < v.Length; i++) v[i] /= norm;
        return v;
    }

    public static double Similarity(float[] a, float[] b)
    {
        double dot = 0;
        for (int i = 0; i < a.Length; i++) dot += a[i] * b[i];
        return dot;
    }

    [GeneratedRegex(@"(_(jpe?g|png|bmp|webp))?\.rf\.[0-9a-f]{16,}$", RegexOptions.IgnoreCase)]
    private static partial Regex ExportSuffix();

    [GeneratedRegex(@"^(\d{1,3}[-.]\d{1,3}[-.]\d{1,3}[-.]\d{1,3}(?:_\d{1,3})?)(?:[_-]|$)")]
    private static partial Regex IpCamera();

    [GeneratedRegex(@"^([A-Za-z][\w-]*?)[_-](?:19|20)\d{6}")]
    private static partial Regex DatedCamera();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();
}

/// <summary>Folds of a grouped split, how many camera/scene groups were found, and how the split was made.</summary>
public sealed record SplitPlan(IReadOnlyList<IReadOnlyList<LabelledImage>> Folds, int Groups, string Method)
{
    public IReadOnlyList<LabelledImage> TrainFor(IReadOnlyList<LabelledImage> val)
    {
        var held = val.Select(v => v.ImagePath).ToHashSet();
        return [.. Folds.SelectMany(f => f).Where(i => !held.Contains(i.ImagePath)).OrderBy(i => i.ImagePath, StringComparer.Ordinal)];
    }
}
