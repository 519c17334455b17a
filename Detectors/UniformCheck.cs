using OpenCvSharp;

namespace DeskVision.Detectors;

/// <summary>How a person's clothes compare with the uniform references.</summary>
/// <param name="Torso">The band of the person box compared (shoulders to waist).</param>
/// <param name="Distance">Bhattacharyya distance of the torso's colour histogram to the nearest torso reference: 0 the same colours, 1 none shared.</param>
public sealed record UniformReading(Box Torso, double Distance)
{
    /// <summary>The band of the trousers or skirt compared; null when it was not (no lower references, or the band is hidden or too small).</summary>
    public Box? Lower { get; init; }

    /// <summary>The lower band's distance to the nearest lower reference, as <see cref="Distance"/> is the torso's.</summary>
    public double? LowerDistance { get; init; }

    /// <summary>
    /// How differently the two bands compare with the uniform (工作服不与便服混穿): the gap between the torso's and the
    /// lower band's distances; 0 when the lower band was not judged. A change of light or camera moves both bands the
    /// same way, and clothes wholly unlike the uniform put both near 1, so neither opens a gap; one band like the
    /// uniform and the other not does. (The smaller of "the worse band's distance" and "1 − the better band's" was tried
    /// first: the same uniform on another person in other light sits near 0.5 on both bands, and it missed 4 of 6.)
    /// </summary>
    public double Mixed => LowerDistance is double lower ? Math.Abs(Distance - lower) : 0;
}

/// <summary>
/// Compares the colours of a seated person's clothes with crops of the site's uniform: the torso band with torso crops
/// and, where references of the trousers or skirt are given and that band is visible, the lower band with them. Hue and
/// saturation carry the uniform's colour whatever the light; a few brightness bins tell a black suit from a white
/// shirt, which hue alone cannot (both have none).
/// </summary>
public sealed class UniformCheck : IDisposable
{
    private static readonly int[] Bins = [18, 8, 4];
    private static readonly Rangef[] Ranges = [new(0, 180), new(0, 256), new(0, 256)];
    private readonly List<Mat> _torso = [];
    private readonly List<Mat> _lower = [];

    /// <param name="torsoCrops">BGR crops of the uniform's torso, one per season or colour.</param>
    /// <param name="lowerCrops">BGR crops of the uniform's trousers or skirt; none means the lower band is not judged.</param>
    public UniformCheck(IEnumerable<Mat> torsoCrops, IEnumerable<Mat>? lowerCrops = null)
    {
        foreach (var crop in torsoCrops) _torso.Add(Histogram(crop));
        foreach (var crop in lowerCrops ?? []) _lower.Add(Histogram(crop));
        if (_torso.Count == 0) throw new ArgumentException("at least one uniform picture is needed", nameof(torsoCrops));
    }

    /// <summary>The torso band of a person box: the middle 60% of its width, from 18% to 55% of its height.</summary>
    public static Box Torso(Box person) => new(
        person.X1 + 0.2f * person.Width, person.Y1 + 0.18f * person.Height,
        person.X2 - 0.2f * person.Width, person.Y1 + 0.55f * person.Height);

    /// <summary>
    /// The lower band of a person box: the middle half of its width, from 60% to 90% of its height (the thighs and shins
    /// of someone standing or sitting sideways; the feet, often another colour, left out).
    /// </summary>
    public static Box Lower(Box person) => new(
        person.X1 + 0.25f * person.Width, person.Y1 + 0.6f * person.Height,
        person.X2 - 0.25f * person.Width, person.Y1 + 0.9f * person.Height);

    /// <param name="lowerHidden">Whether the lower band is hidden (behind the counter, say): then it is not judged.</param>
    public UniformReading Compare(Mat bgr, Box person, Func<Box, bool>? lowerHidden = null)
    {
        var torso = Torso(person);
        double? distance = Distance(bgr, torso, _torso);
        if (distance is null) return new UniformReading(torso, 0); // too small to judge: no finding
        var reading = new UniformReading(torso, distance.Value);
        var lower = Lower(person);
        if (_lower.Count == 0 || lowerHidden?.Invoke(lower) == true || Distance(bgr, lower, _lower) is not double lowerDistance) return reading;
        return reading with { Lower = lower, LowerDistance = lowerDistance };
    }

    /// <summary>
    /// A tie on the torso, where the site's uniform has one, is evidence the uniform is worn: the torso's distance is
    /// lowered by <paramref name="weight"/> of itself. It nudges a near case below the threshold; it does not make a
    /// clearly different shirt a uniform (a suit with a tie is still not the uniform).
    /// </summary>
    public static UniformReading WithTie(UniformReading reading, double weight) => reading with { Distance = reading.Distance * (1 - weight) };

    /// <summary>Whether a tie the detector found lies on the torso: most of the tie's box inside the torso band.</summary>
    public static bool TieOnTorso(UniformReading reading, IEnumerable<Detection> ties) =>
        ties.Any(t => t.Box.Area > 0 && reading.Torso.IntersectionArea(t.Box) >= 0.5f * t.Box.Area);

    private static double? Distance(Mat bgr, Box band, List<Mat> references)
    {
        var rect = Pictures.ToRect(band, bgr.Width, bgr.Height);
        if (rect.Width < 6 || rect.Height < 6) return null;
        using var crop = new Mat(bgr, rect);
        using var hist = Histogram(crop);
        return Math.Clamp(references.Min(r => Cv2.CompareHist(r, hist, HistCompMethods.Bhattacharyya)), 0, 1);
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
        foreach (var r in _torso.Concat(_lower)) r.Dispose();
    }
}
