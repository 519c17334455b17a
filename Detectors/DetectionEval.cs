namespace DeskVision.Detectors;

/// <summary>A ground-truth box from a YOLO-format label file (<c>class cx cy w h</c>, normalised).</summary>
public sealed record LabelledBox(int ClassId, Box Box);

public sealed record ClassScore(int ClassId, string Label, int GroundTruth, int Detections, double Precision, double Recall, double AP50);

public sealed record EvalReport(IReadOnlyList<ClassScore> Classes, int Images)
{
    public double MeanAP50 => Classes.Count == 0 ? 0 : Classes.Average(c => c.AP50);
}

/// <summary>
/// Precision, recall (at an operating threshold) and AP@0.5 per class, the way detection papers and
/// Ultralytics compute them: greedy matching by score at IoU ≥ 0.5, each ground-truth box matched once,
/// AP as the area under the interpolated precision envelope sampled at 101 recall points.
/// </summary>
public sealed class DetectionEval(IReadOnlySet<int> classesOfInterest, float operatingThreshold)
{
    private readonly Dictionary<int, List<(float Score, bool TruePositive)>> _ranked = [];
    private readonly Dictionary<int, int> _groundTruth = [];
    private int _images;

    /// <summary>The classes a desk audit cares about (COCO ids): person, bags, tie, suitcase, bottle, glass, cup,
    /// bowl, food, chair, couch, table, tv, laptop, mouse, keyboard, phone, book.</summary>
    public static readonly IReadOnlySet<int> DeskClasses = new HashSet<int>(
        [0, 24, 26, 27, 28, 39, 40, 41, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 60, 62, 63, 64, 66, 67, 73]);

    public static List<LabelledBox> ReadYoloLabels(string path, int imageWidth, int imageHeight)
    {
        var boxes = new List<LabelledBox>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            if (parts.Length < 5 || !int.TryParse(parts[0], out int cls)
                || !TryFloats(parts.AsSpan(1, 4), out float cx, out float cy, out float w, out float h))
                throw new FormatException($"{path}:{lineNo}: expected 'class cx cy w h', got '{line.Trim()}'");
            boxes.Add(new LabelledBox(cls, new Box(
                (cx - w / 2) * imageWidth, (cy - h / 2) * imageHeight, (cx + w / 2) * imageWidth, (cy + h / 2) * imageHeight)));
        }
        return boxes;
    }

    private static bool TryFloats(ReadOnlySpan<string> s, out float a, out float b, out float c, out float d)
    {
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        b = c = d = 0;
        return float.TryParse(s[0], ci, out a) && float.TryParse(s[1], ci, out b)
            && float.TryParse(s[2], ci, out c) && float.TryParse(s[3], ci, out d);
    }

    public void Add(IReadOnlyList<Detection> detections, IReadOnlyList<LabelledBox> truth)
    {
        _images++;
        foreach (int cls in classesOfInterest)
        {
            var gts = truth.Where(t => t.ClassId == cls).Select(t => t.Box).ToList();
            if (gts.Count > 0) _groundTruth[cls] = _groundTruth.GetValueOrDefault(cls) + gts.Count;
            var matched = new bool[gts.Count];
            if (!_ranked.TryGetValue(cls, out var ranked)) _ranked[cls] = ranked = [];
            foreach (var d in detections.Where(d => d.ClassId == cls).OrderByDescending(d => d.Confidence))
            {
                int best = -1;
                float bestIoU = 0.5f;
                for (int g = 0; g < gts.Count; g++)
                {
                    if (matched[g]) continue;
                    float iou = d.Box.IoU(gts[g]);
                    if (iou >= bestIoU) { bestIoU = iou; best = g; }
                }
                if (best >= 0) matched[best] = true;
                ranked.Add((d.Confidence, best >= 0));
            }
        }
    }

    public EvalReport Report(IReadOnlyList<string> labels)
    {
        var scores = new List<ClassScore>();
        foreach (int cls in classesOfInterest.Order())
        {
            int gt = _groundTruth.GetValueOrDefault(cls);
            if (gt == 0) continue; // AP is undefined for a class the set does not contain
            var ranked = _ranked.GetValueOrDefault(cls) ?? [];
            ranked.Sort((a, b) => b.Score.CompareTo(a.Score));
            var atOp = ranked.Where(r => r.Score >= operatingThreshold).ToList();
            int tpOp = atOp.Count(r => r.TruePositive);
            scores.Add(new ClassScore(cls, cls < labels.Count ? labels[cls] : cls.ToString(), gt, atOp.Count,
                atOp.Count == 0 ? 0 : (double)tpOp / atOp.Count, (double)tpOp / gt, AveragePrecision(ranked, gt)));
        }
        return new EvalReport(scores, _images);
    }

    private static double AveragePrecision(List<(float Score, bool TruePositive)> ranked, int groundTruth)
    {
        var recall = new List<double> { 0 };
        var precision = new List<double> { 1 };
        int tp = 0;
        for (int i = 0; i < ranked.Count; i++)
        {
            if (ranked[i].TruePositive) tp++;
            recall.Add((double)tp / groundTruth);
            precision.Add((double)tp / (i + 1));
        }
        recall.Add(1);
        precision.Add(0);
        for (int i = precision.Count - 2; i >= 0; i--) precision[i] = Math.Max(precision[i], precision[i + 1]);

        // Sample the envelope at 101 recall points and integrate (trapezoid), as Ultralytics does.
        double area = 0, prevX = 0, prevY = Interp(0);
        for (int k = 1; k <= 100; k++)
        {
            double x = k / 100.0, y = Interp(x);
            area += (x - prevX) * (y + prevY) / 2;
            prevX = x; prevY = y;
        }
        return area;

        double Interp(double x)
        {
            // np.interp over increasing recall: linear between neighbouring points.
            int hi = recall.FindIndex(r => r >= x);
            if (hi <= 0) return precision[0];
            double x0 = recall[hi - 1], x1 = recall[hi];
            return x1 == x0 ? precision[hi] : precision[hi - 1] + (precision[hi] - precision[hi - 1]) * (x - x0) / (x1 - x0);
        }
    }
}
