namespace DeskVision.Detectors;

/// <summary>Greedy non-maximum suppression that only suppresses boxes of the same class.</summary>
public static class Nms
{
    /// <param name="boxes">Candidates sorted by descending score.</param>
    /// <returns>Indexes of the kept candidates, best first, at most <paramref name="maxKeep"/>.</returns>
    public static List<int> ClassAware(IReadOnlyList<Box> boxes, IReadOnlyList<int> classes, float iouThreshold, int maxKeep)
    {
        var keptByClass = new Dictionary<int, List<int>>();
        var kept = new List<int>();
        for (int i = 0; i < boxes.Count && kept.Count < maxKeep; i++)
        {
            if (!keptByClass.TryGetValue(classes[i], out var same)) keptByClass[classes[i]] = same = [];
            bool suppressed = false;
            foreach (int j in same)
                if (boxes[i].IoU(boxes[j]) > iouThreshold) { suppressed = true; break; }
            if (suppressed) continue;
            same.Add(i);
            kept.Add(i);
        }
        return kept;
    }
}
