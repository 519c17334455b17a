using System.Globalization;

namespace DeskVision.Scoring;

/// <summary>Applies the standard's rules to one snapshot's detections: violations, deductions, score.</summary>
public static class Scorecard
{
    public const double FullMarks = 100;

    public static (IReadOnlyList<Violation> Violations, double Score) Evaluate(
        IReadOnlyList<Detection> detections, int imageWidth, int imageHeight, CameraLayout camera, Standard standard) =>
        Evaluate(new Frame(detections, imageWidth, imageHeight), [], camera, standard);

    public static (IReadOnlyList<Violation> Violations, double Score) Evaluate(
        Frame frame, IReadOnlyList<Frame> earlier, CameraLayout camera, Standard standard)
    {
        var judgement = Judge(frame, earlier, camera, standard);
        return (judgement.Violations, judgement.Score);
    }

    /// <param name="frame">The snapshot being scored.</param>
    /// <param name="earlier">The snapshots just before it in the same burst, oldest first, with no failed or unreliable
    /// one in between (the caller cuts the run there): a rule with <c>consecutive: K</c> is a violation only when it
    /// held on this frame and on the K − 1 frames before it.</param>
    public static Judgement Judge(Frame frame, IReadOnlyList<Frame> earlier, CameraLayout camera, Standard standard)
    {
        var violations = new List<Violation>();
        var seen = new HashSet<Condition>();
        // The clauses about particular objects go first, so an object one of them took is not counted again by a
        // not-allowed-in-zone rule (one object, one violation: the specific clause wins).
        var taken = new HashSet<Detection>(ReferenceEqualityComparer.Instance);
        foreach (var clause in standard.Scored.OrderBy(c => c.Rules.Any(r => r.Kind == RuleKind.NotAllowedInZone)))
        {
            var found = new List<Violation>();
            foreach (var rule in clause.Rules)
            {
                var here = Apply(clause, rule, frame, camera, taken).ToList();
                // Seen on this frame even when the run is still short of K: the condition has not gone (see Judgement.Seen).
                foreach (var v in here) seen.Add(new Condition(v.ClauseId, v.ZoneName));
                if (here.Count > 0 && HeldBefore(clause, rule, earlier, camera)) found.AddRange(here);
            }
            foreach (var v in found) if (v.Detection is not null) taken.Add(v.Detection);
            violations.AddRange(Cap(found, clause.MaxPoints));
        }
        double score = Math.Max(0, FullMarks - violations.Sum(v => v.Points));
        return new Judgement(violations, score, seen.ToList());
    }

    /// <summary>Whether the rule also held on each of the <c>consecutive − 1</c> frames before this one.</summary>
    private static bool HeldBefore(Clause clause, Rule rule, IReadOnlyList<Frame> earlier, CameraLayout camera)
    {
        int need = rule.Consecutive - 1;
        if (need == 0) return true;
        if (earlier.Count < need) return false;
        for (int i = earlier.Count - need; i < earlier.Count; i++)
            if (!Apply(clause, rule, earlier[i], camera, taken: null).Any()) return false;
        return true;
    }

    private static IEnumerable<Violation> Apply(Clause clause, Rule rule, Frame frame, CameraLayout camera, HashSet<Detection>? taken)
    {
        var (detections, w, h) = (frame.Detections, frame.Width, frame.Height);
        var zones = camera.Zones.Where(z => rule.Zones.Contains(z.Kind)).ToList();
        if (rule.ExcusedBy is { } excuse && IsExcused(excuse, detections, w, h, camera)) yield break;
        var relevant = detections.Where(d => rule.Labels.Contains(d.Label) && d.Confidence >= (float)rule.MinConfidence).ToList();
        string run = rule.Consecutive > 1 ? $" on {rule.Consecutive} snapshots in a row" : "";
        switch (rule.Kind)
        {
            case RuleKind.ObjectInZone:
                foreach (var d in relevant)
                    if (BestZone(d, zones, w, h, camera) is { } zone)
                        yield return new Violation(clause.Id, zone.Name, d.Box, rule.Points,
                            string.Create(CultureInfo.InvariantCulture, $"{d.Label} ({d.Confidence:0.00}) in zone {zone.Name}{run}"), d);
                break;
            case RuleKind.AbsentFromZone:
                foreach (var zone in zones)
                    if (!relevant.Any(d => zone.ShareInside(d.Box, w, h) >= camera.ZoneShare))
                        yield return new Violation(clause.Id, zone.Name, zone.BoundsIn(w, h), rule.Points,
                            $"no {string.Join("/", rule.Labels)} in zone {zone.Name}{run}", null);
                break;
            case RuleKind.CrowdInZone:
                foreach (var zone in zones)
                {
                    var inside = relevant.Where(d => BestZone(d, zones, w, h, camera) == zone).ToList();
                    if (inside.Count < rule.MinCount) continue;
                    var around = new Box(inside.Min(d => d.Box.X1), inside.Min(d => d.Box.Y1), inside.Max(d => d.Box.X2), inside.Max(d => d.Box.Y2));
                    yield return new Violation(clause.Id, zone.Name, around, rule.Points,
                        $"{inside.Count} × {string.Join("/", rule.Labels)} in zone {zone.Name}{run}", null);
                }
                break;
            case RuleKind.BelowDeskLine:
                // A camera without a desk line cannot judge posture: the rule says nothing there rather than guess.
                if (camera.DeskLine is not double line) break;
                foreach (var d in relevant)
                    if (d.Box.Y1 > line * h && BestZone(d, zones, w, h, camera) is { } zone)
                        yield return new Violation(clause.Id, zone.Name, d.Box, rule.Points,
                            string.Create(CultureInfo.InvariantCulture, $"{d.Label} ({d.Confidence:0.00}) in zone {zone.Name} with its top below the desk line{run}"), d);
                break;
            case RuleKind.NotAllowedInZone:
                // Something (almost) wholly inside a person's box is worn or held (a tie, a lanyard), not put on the desk.
                var people = detections.Where(p => p.Label == "person" && p.Confidence >= (float)rule.MinConfidence).Select(p => p.Box).ToList();
                foreach (var d in detections)
                {
                    if (d.Confidence < (float)rule.MinConfidence || rule.Allowed.Contains(d.Label) || SceneLabels.All.Contains(d.Label)) continue;
                    if (taken is not null && taken.Contains(d)) continue;
                    if (people.Any(p => p.IntersectionArea(d.Box) >= 0.8f * d.Box.Area)) continue;
                    if (BestZone(d, zones, w, h, camera) is { } zone)
                        yield return new Violation(clause.Id, zone.Name, d.Box, rule.Points,
                            string.Create(CultureInfo.InvariantCulture, $"{d.Label} ({d.Confidence:0.00}) in zone {zone.Name} is not on the allowed list"), d);
                }
                break;
        }
    }

    /// <summary>The zone of the candidates that holds most of the box, if it holds at least the camera's zone share.</summary>
    private static Zone? BestZone(Detection d, List<Zone> zones, int w, int h, CameraLayout camera)
    {
        if (zones.Count == 0) return null;
        var best = zones.Select(z => (Zone: z, Share: z.ShareInside(d.Box, w, h))).MaxBy(p => p.Share);
        return best.Zone is not null && best.Share >= camera.ZoneShare ? best.Zone : null;
    }

    private static bool IsExcused(Excuse excuse, IReadOnlyList<Detection> detections, int w, int h, CameraLayout camera)
    {
        var zones = camera.Zones.Where(z => excuse.Zones.Contains(z.Kind)).ToList();
        return detections.Any(d => excuse.Labels.Contains(d.Label) && d.Confidence >= (float)excuse.MinConfidence
            && BestZone(d, zones, w, h, camera) is not null);
    }

    /// <summary>
    /// The deductions of one audit per category of the standard (environment, desk, appearance, ...), every category
    /// listed, zero where nothing was found, with the 6S pillar the category rolls up to.
    /// </summary>
    public static IReadOnlyList<CategorySubtotal> Subtotals(IEnumerable<Violation> violations, Standard standard)
    {
        var byCategory = violations
            .GroupBy(v => standard.Find(v.ClauseId)?.Category ?? throw new ArgumentException($"violation of clause '{v.ClauseId}', which the standard does not have"))
            .ToDictionary(g => g.Key, g => (Points: g.Sum(v => v.Points), Count: g.Count()));
        return StandardFile.Categories
            .Select(c => byCategory.TryGetValue(c, out var t)
                ? new CategorySubtotal(c, standard.PillarOf(c), t.Points, t.Count)
                : new CategorySubtotal(c, standard.PillarOf(c), 0, 0))
            .ToList();
    }

    /// <summary>One clause cannot take more than its cap from one audit: later violations keep their evidence at reduced points.</summary>
    private static IEnumerable<Violation> Cap(List<Violation> found, double cap)
    {
        double left = cap;
        foreach (var v in found.OrderByDescending(v => v.Detection?.Confidence ?? 1))
        {
            double points = Math.Min(v.Points, left);
            left -= points;
            yield return v with { Points = points };
        }
    }
}

/// <summary>One snapshot judged against the standard.</summary>
/// <param name="Seen">Every clause-in-zone a rule found on this frame alone, violation or not: a rule over K snapshots in a
/// row that held here but not yet on the K − 1 before still shows its condition, and that frame must not rectify it.</param>
public sealed record Judgement(IReadOnlyList<Violation> Violations, double Score, IReadOnlyList<Condition> Seen);

/// <summary>What one category of clauses took from an audit.</summary>
/// <param name="Pillar">The 6S pillar the category rolls up to; null when the standard maps none.</param>
public sealed record CategorySubtotal(string Category, string? Pillar, double Points, int Violations);
