using OpenCvSharp;

namespace DeskVision.Detectors;

/// <summary>How the torso of a person compares with the uniform references.</summary>
/// <param name="Torso">The band of the person box compared (shoulders to waist).</param>
/// <param name="Distance">Bhattacharyya distance of the colour histograms to the nearest reference: 0 the same colours, 1 none shared.</param>
public sealed record UniformReading(Box Torso, double Distance);

/// <summary>
/// Compares the colours of a seated person's torso with crops of the site's uniform. Hue and saturation carry the
/// uniform's colour whatever the light; a few brightness bins tell a black suit from a white shirt, which hue alone
/// cannot (both have none).
/// </summary>
public sealed class UniformCheck : IDisposable
{
    private static readonly int[] Bins = [18, 8, 4];
    private static readonly Rangef[] Ranges = [new(0, 180), new(0, 256), new(0, 256)];
    private readonly List<Mat> _references = [];

    /// <param name="uniformCrops">BGR crops of the uniform's torso, one per season or colour.</param>
    public UniformCheck(IEnumerable<Mat> uniformCrops)
    {
        foreach (var crop in uniformCrops) _references.Add(Histogram(crop));
        if (_references.Count == 0) throw new ArgumentException("at least one uniform picture is needed", nameof(uniformCrops));
    }

    /// <summary>The torso band of a person box: the middle 60% of its width, from 18% to 55% of its height.</summary>
    public static Box Torso(Box person) => new(
        person.X1 + 0.2f * person.Width, person.Y1 + 0.18f * person.Height,
        person.X2 - 0.2f * person.Width, person.Y1 + 0.55f * person.Height);

    public UniformReading Compare(Mat bgr, Box person)
    {
        var torso = Torso(person);
        var rect = Pictures.ToRect(torso, bgr.Width, bgr.Height);
        if (rect.Width < 6 || rect.Height < 6) return new UniformReading(torso, 0); // too small to judge: no finding
        using var crop = new Mat(bgr, rect);
        using var hist = Histogram(crop);
        double best = _references.Min(r => Cv2.CompareHist(r, hist, HistCompMethods.Bhattacharyya));
        return new UniformReading(torso, Math.Clamp(best, 0, 1));
    }

    private static Mat Histogram(Mat bgr)
    {
        using var blurred = new Mat();
        Cv2.GaussianBlur(bgr, blurred, new Size(3, 3), 0);
        using var hsv = new Mat();
        Cv2.CvtColor(blurred, hsv, ColorConversionCodes.BGR2HSV);
        var hist = new Mat();
        Cv2.CalcHist([hsv], [0, 1, 2], null, hist, 3, Bins, Ranges);
        Cv2.Normalize(hist, hist, 1, 0, NormTypes.L1);
        return hist;
    }

    public void Dispose()
    {
        foreach (var r in _references) r.Dispose();
    }
}
