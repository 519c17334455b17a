using DeskVision.Audits;
using DeskVision.Detectors;
using OpenCvSharp;

namespace DeskVision.Web.Models;

/// <summary>A labelled picture a model is judged on: the file and its boxes, by class name, in the picture's pixels.</summary>
public sealed record JudgedFrame(long Id, string ImagePath, IReadOnlyList<(string ClassName, Box Box)> Boxes);

/// <summary>One class's AP50 on the frames judged on, and how many labelled boxes it had there.</summary>
public sealed record ClassAp(string Label, double Ap50, int GroundTruth);

/// <summary>
/// Runs one ONNX model over labelled frames and scores it with <see cref="DetectionEval"/> (AP@0.5, ranked from
/// confidence 0.001, as <c>deskvision eval</c> does). Classes are matched by name, so a trained model with new classes
/// and the stock model are scored on the same footing; a labelled class a model does not have scores 0.
/// </summary>
public static class ModelEvaluation
{
    public static IReadOnlyList<ClassAp> Run(string modelPath, IReadOnlyList<JudgedFrame> frames, CancellationToken ct = default)
    {
        using var detector = new ObjectDetector(new DetectorOptions { ModelPath = modelPath, MinConfidence = 0.001f });
        var names = detector.Labels.Concat(frames.SelectMany(f => f.Boxes).Select(b => b.ClassName)).Distinct().ToList();
        var id = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);
        var eval = new DetectionEval(frames.SelectMany(f => f.Boxes).Select(b => id[b.ClassName]).ToHashSet(), 0.25f);
        foreach (var frame in frames)
        {
            ct.ThrowIfCancellationRequested();
            using var image = Cv2.ImRead(frame.ImagePath, ImreadModes.Color);
            if (image.Empty()) throw new InvalidDataException($"{frame.ImagePath}: the frame's picture cannot be read");
            var found = detector.Detect(image).Select(d => d with { ClassId = id[d.Label] }).ToList();
            eval.Add(found, frame.Boxes.Select(b => new LabelledBox(id[b.ClassName], b.Box)).ToList());
        }
        return eval.Report(names).Classes.Select(c => new ClassAp(c.Label, c.AP50, c.GroundTruth)).ToList();
    }
}

/// <summary>The rule's decision with the figures it was made on.</summary>
public sealed record PromotionVerdict(bool Promote, double CandidateMap50, double CurrentMap50, IReadOnlyList<string> Classes, string Reason);

/// <summary>
/// When a candidate replaces the current model: judged on the same held-back frames, its mAP50 over the classes the
/// standard's rules use (those labelled on these frames) must rise, and none of those classes may drop by more than
/// <see cref="MaxClassDrop"/>. A model that is better on average but forgets one rule's class would turn that rule's
/// findings worse, which is what the hall would notice.
/// </summary>
public static class PromotionRule
{
    public const double MaxClassDrop = 0.02;

    public static PromotionVerdict Judge(IReadOnlyList<ClassAp> candidate, IReadOnlyList<ClassAp> current, IReadOnlySet<string> ruleClasses)
    {
        var classes = current.Where(c => c.GroundTruth > 0 && ruleClasses.Contains(c.Label)).Select(c => c.Label).Order(StringComparer.Ordinal).ToList();
        if (classes.Count == 0)
            return new PromotionVerdict(false, 0, 0, [], "no held-back frame has a labelled object of a class the standard's rules use: nothing to judge on");
        double Ap(IReadOnlyList<ClassAp> of, string label) => of.FirstOrDefault(c => c.Label == label)?.Ap50 ?? 0;
        double candidateMap = classes.Average(c => Ap(candidate, c)), currentMap = classes.Average(c => Ap(current, c));
        var dropped = classes.Where(c => Ap(current, c) - Ap(candidate, c) > MaxClassDrop)
            .Select(c => $"{c} {Ap(current, c):0.000} → {Ap(candidate, c):0.000}").ToList();
        string figures = $"mAP50 over {string.Join(", ", classes)}: {currentMap:0.000} → {candidateMap:0.000}";
        if (dropped.Count > 0) return new PromotionVerdict(false, candidateMap, currentMap, classes, $"{figures}; dropped more than {MaxClassDrop}: {string.Join("; ", dropped)}");
        if (candidateMap <= currentMap) return new PromotionVerdict(false, candidateMap, currentMap, classes, $"{figures}: not higher");
        return new PromotionVerdict(true, candidateMap, currentMap, classes, $"{figures}: higher, no class dropped more than {MaxClassDrop}");
    }

    /// <summary>The detector labels the standard's scored rules name (and their excuses), e.g. person, cell phone, cup.</summary>
    public static IReadOnlySet<string> RuleClasses(Scoring.Standard standard, IReadOnlyCollection<string> modelLabels) =>
        standard.Scored.SelectMany(c => c.Rules)
            .SelectMany(r => r.Labels.Concat(r.ExcusedBy?.Labels ?? new HashSet<string>()))
            .Where(modelLabels.Contains).ToHashSet();
}
