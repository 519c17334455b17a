using System.Diagnostics;
using System.Globalization;
using DeskVision.Detectors;
using DeskVision.Scoring;
using OpenCvSharp;

namespace DeskVision.Tools;

/// <summary>One check's result on its scenarios: a "positive" is a case that should be reported (blurred, moved, sign seen, coat on the chair, ...).</summary>
public sealed record ScenarioScore(string Check, int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives, double MsPerCase)
{
    public int Cases => TruePositives + FalsePositives + FalseNegatives + TrueNegatives;
    public double Precision => TruePositives + FalsePositives == 0 ? 1 : (double)TruePositives / (TruePositives + FalsePositives);
    public double Recall => TruePositives + FalseNegatives == 0 ? 1 : (double)TruePositives / (TruePositives + FalseNegatives);
}

/// <summary>
/// The reference checks measured on the scenario set (<c>tests/scenarios/scenarios.tsv</c>, built by
/// <c>make-scenarios.py</c> from the real test photos): each case runs the check as an audit would, at the threshold the
/// shipped standard sets for its finding (and the default health limits), and is counted against its expected answer.
/// </summary>
public static class ScenarioEval
{
    public static string DefaultFolder => Path.Combine(ProjectPaths.Root, "tests", "scenarios");

    public static int Print(string folder, string? model, bool verbose = false)
    {
        using var detector = new ObjectDetector(new DetectorOptions { ModelPath = ModelFile.Resolve(model, ProjectPaths.Models) });
        var standard = StandardFile.Load(AppSettings.DefaultStandardFile, detector.Labels);
        var scores = Run(folder, detector, standard, verbose ? Console.WriteLine : null);
        Console.WriteLine($"scenarios in {folder}; desk check ignores people found by {detector.ModelId}");
        Console.WriteLine($"{"check",-9} {"cases",5} {"TP",4} {"FP",4} {"FN",4} {"TN",4} {"P",6} {"R",6} {"ms/case",8}");
        foreach (var s in scores)
            Console.WriteLine($"{s.Check,-9} {s.Cases,5} {s.TruePositives,4} {s.FalsePositives,4} {s.FalseNegatives,4} {s.TrueNegatives,4} {s.Precision,6:0.000} {s.Recall,6:0.000} {s.MsPerCase,8:0.0}");
        return 0;
    }

    /// <param name="trace">Given a line per case (check, expected, reported, the number decided on, image).</param>
    public static IReadOnlyList<ScenarioScore> Run(string folder, ObjectDetector detector, Standard standard, Action<string>? trace = null)
    {
        string shared = Path.GetFullPath(Path.Combine(ProjectPaths.Root, "..", "shared", "testdata"));
        string Resolve(string rel) => rel.StartsWith("shared/", StringComparison.Ordinal) ? Path.Combine(shared, rel["shared/".Length..]) : Path.Combine(folder, rel);
        var people = new Dictionary<string, IReadOnlyList<Detection>>();
        double Threshold(string label, string? clause = null) => standard.Clauses.Where(c => clause is null || c.Id == clause).SelectMany(c => c.Rules)
            .Select(r => r.Labels.Contains(label) ? r.MinConfidence : r.ExcusedBy is { } e && e.Labels.Contains(label) ? e.MinConfidence : (double?)null)
            .FirstOrDefault(t => t is not null) ?? throw new InvalidOperationException($"the standard has no rule on '{label}'");

        var limits = HealthLimits.Default;
        var ties = new Dictionary<string, IReadOnlyList<Detection>>();
        var counts = new Dictionary<string, (int TP, int FP, int FN, int TN, double Ms)>();
        foreach (string line in File.ReadLines(Path.Combine(folder, "scenarios.tsv")))
        {
            if (line.StartsWith('#') || line.Trim().Length == 0) continue;
            var f = line.Split('\t');
            if (f.Length < 5) throw new FormatException($"scenarios.tsv: expected check, image, reference, region, violation in '{line}'");
            string check = f[0];
            bool expected = f[4] == "yes";
            using var image = Pictures.Read(Resolve(f[1]));
            var clock = Stopwatch.StartNew();
            double without = double.NaN; // uniform-tie: the distance without the tie
            // Each check gives the number it decides on, and whether that number reports the case.
            string? detail = null;
            (double Value, bool Reported) result = check switch
            {
                "blur" => CameraHealth.Measure(image, null) is var r ? (r.Sharpness, r.FlatShare < CameraHealth.CoveredShare && r.Sharpness < limits.MinSharpness) : default,
                "covered" => CameraHealth.Measure(image, null).FlatShare is var flat ? (flat, flat >= CameraHealth.CoveredShare) : default,
                "moved" => WithReference(Resolve(f[2]), view => CameraHealth.Measure(image, view).ViewMatch!.Value is var m ? (m, m < limits.MinViewMatch) : default),
                "sign" => WithReference(Resolve(f[2]), sign =>
                {
                    using var finder = new PauseSignFinder(sign);
                    double score = finder.Find(image, Region(f[3], image))?.Score ?? 0;
                    return (score, score >= Threshold(SceneLabels.PauseSign));
                }),
                "chair" => WithReference(Resolve(f[2]), empty => ChairBackCheck.Dissimilarity(empty, image, Region(f[3], image)) is var d ? (d, d >= Threshold(SceneLabels.ChairBackChanged)) : default),
                "desk" => WithReference(Resolve(f[2]), desk =>
                {
                    var people = detector.Detect(image, 0.35f).Where(d => d.Label == "person").Select(d => d.Box);
                    double most = DeskLayout.Changes(desk, image, Polygon(f[3]), people).Select(c => c.Share).DefaultIfEmpty(0).Max();
                    return (most, most >= Threshold(SceneLabels.DeskChanged));
                }),
                "seat" => SeatEmpty(detector, Resolve(f[1]), image, Region(f[3], image), Threshold("person", "presence.unattended-window"), people),
                "uniform" => Uniform(f[2].Split('|').Select(Resolve), [], image, Region(f[3], image)).Distance is var u ? (u, u >= Threshold(SceneLabels.NotUniform)) : default,
                // reference: torso crops ; lower crops (each |-separated)
                "mixed" => Mixed(Uniform(f[2].Split(';')[0].Split('|').Select(Resolve), f[2].Split(';')[1].Split('|').Select(Resolve), image, Region(f[3], image)),
                    Threshold(SceneLabels.MixedUniform), out detail),
                // The site's uniform has a tie: a tie the detector finds on the torso lowers the distance (SiteUniform's default weight).
                "uniform-tie" => TieEvidence(detector, Resolve(f[1]), image, Uniform(f[2].Split('|').Select(Resolve), [], image, Region(f[3], image)), ties, out without)
                    is var t ? (t, t >= Threshold(SceneLabels.NotUniform)) : default,
                _ => throw new FormatException($"scenarios.tsv: unknown check '{check}'"),
            };
            bool reported = result.Reported;
            trace?.Invoke($"{check,-8} {(expected ? "yes" : "no"),-3} {(reported ? "yes" : "no"),-3} {result.Value,8:0.000}  {f[1]}{(detail is null ? "" : $"  ({detail})")}");
            double ms = clock.Elapsed.TotalMilliseconds;
            Count(check, expected, reported, ms);
            // The same cases without the tie, to show what the tie adds.
            if (check == "uniform-tie") Count("uniform-no-tie", expected, without >= Threshold(SceneLabels.NotUniform), ms);
        }

        void Count(string check, bool expected, bool reported, double ms)
        {
            var c = counts.GetValueOrDefault(check);
            counts[check] = (expected, reported) switch
            {
                (true, true) => c with { TP = c.TP + 1, Ms = c.Ms + ms },
                (false, true) => c with { FP = c.FP + 1, Ms = c.Ms + ms },
                (true, false) => c with { FN = c.FN + 1, Ms = c.Ms + ms },
                _ => c with { TN = c.TN + 1, Ms = c.Ms + ms },
            };
        }
        return counts.Select(p => new ScenarioScore(p.Key, p.Value.TP, p.Value.FP, p.Value.FN, p.Value.TN,
            p.Value.Ms / Math.Max(1, p.Value.TP + p.Value.FP + p.Value.FN + p.Value.TN))).ToList();
    }

    /// <summary>No person of the rule's confidence with half their box in the seat zone: the unattended-window rule on one frame.</summary>
    private static (double, bool) SeatEmpty(ObjectDetector detector, string path, Mat image, Rect seat, double minConfidence,
        Dictionary<string, IReadOnlyList<Detection>> cache)
    {
        if (!cache.TryGetValue(path, out var found)) cache[path] = found = detector.Detect(image).Where(d => d.Label == "person").ToList();
        var zone = new Zone("seat", ZoneKind.Seat, [(seat.Left / (double)image.Width, seat.Top / (double)image.Height), (seat.Right / (double)image.Width, seat.Top / (double)image.Height),
            (seat.Right / (double)image.Width, seat.Bottom / (double)image.Height), (seat.Left / (double)image.Width, seat.Bottom / (double)image.Height)]);
        double best = found.Where(d => d.Confidence >= minConfidence && zone.ShareInside(d.Box, image.Width, image.Height) >= 0.5)
            .Select(d => (double)d.Confidence).DefaultIfEmpty(0).Max();
        return (best, best == 0);
    }

    private static T WithReference<T>(string path, Func<Mat, T> check)
    {
        using var reference = Pictures.Read(path);
        return check(reference);
    }

    private static UniformReading Uniform(IEnumerable<string> torsoReferences, IEnumerable<string> lowerReferences, Mat image, Rect person)
    {
        var torso = torsoReferences.Select(Pictures.Read).ToList();
        var lower = lowerReferences.Select(Pictures.Read).ToList();
        try
        {
            using var uniform = new UniformCheck(torso, lower);
            return uniform.Compare(image, Pictures.ToBox(person));
        }
        finally { foreach (var c in torso.Concat(lower)) c.Dispose(); }
    }

    private static (double, bool) Mixed(UniformReading reading, double threshold, out string detail)
    {
        detail = $"torso {reading.Distance:0.000}, lower {reading.LowerDistance:0.000}";
        return (reading.Mixed, reading.Mixed >= threshold);
    }

    /// <summary>The torso's distance with a tie on it taken as evidence of the uniform, as the audit does for a site whose uniform has one.</summary>
    private static double TieEvidence(ObjectDetector detector, string path, Mat image, UniformReading reading,
        Dictionary<string, IReadOnlyList<Detection>> cache, out double without)
    {
        if (!cache.TryGetValue(path, out var ties)) cache[path] = ties = detector.Detect(image).Where(d => d.Label == "tie" && d.Confidence >= 0.35f).ToList();
        without = reading.Distance;
        return UniformCheck.TieOnTorso(reading, ties) ? UniformCheck.WithTie(reading, SiteUniform.Default.TieWeight).Distance : reading.Distance;
    }

    private static Rect Region(string field, Mat image)
    {
        if (field == "-") return new Rect(0, 0, image.Width, image.Height);
        var v = field.Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return Pictures.ToRect(new Box((float)(v[0] * image.Width), (float)(v[1] * image.Height), (float)(v[2] * image.Width), (float)(v[3] * image.Height)), image.Width, image.Height);
    }

    private static IReadOnlyList<(double X, double Y)> Polygon(string field) => field.Split(';')
        .Select(p => p.Split(',')).Select(p => (double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture))).ToList();
}
