using System.Globalization;

namespace DeskVision.Scoring;

/// <summary>Applies the standard's rules to one snapshot's detections: violations, deductions, score.</summary>
public static class Scorecard
{
    public const double FullMarks = 100;

    public static (IReadOnlyList<Violation> Violations, double Score) Evaluate(
        IReadOnlyList<Detection> detections, int imageWidth, int imageHeight, CameraLayout camera, Standard standard)
    {
        var violations = new List<Violation>();
        foreach (var clause in standard.Scored)
        {
            var found = new List<Violation>();
            foreach (var rule in clause.Rules)
                found.AddRange(Apply(clause, rule, detections, imageWidth, imageHeight, camera));
            violations.AddRange(Cap(found, clause.MaxPoints));
        }
        double score = Math.Max(0, FullMarks - violations.Sum(v => v.Points));
        return (violations, score);
    }

    private static IEnumerable<Violation> Apply(Clause clause, Rule rule, IReadOnlyList<Detection> detections, int w, int h, CameraLayout camera)
    {
        var zones = camera.Zones.Where(z => rule.Zones.Contains(z.Kind)).ToList();
        var relevant = detections.Where(d => rule.Labels.Contains(d.Label) && d.Confidence >= (float)rule.MinConfidence).ToList();
        switch (rule.Kind)
        {
            case RuleKind.ObjectInZone:
                foreach (var d in relevant)
                {
                    // One violation per object, in the zone that holds most of it.
                    var best = zones.Select(z => (Zone: z, Share: z.ShareInside(d.Box, w, h))).MaxBy(p => p.Share);
                    if (best.Zone is not null && best.Share >= camera.ZoneShare)
                        yield return new Violation(clause.Id, best.Zone.Name, d.Box, rule.Points,
                            string.Create(CultureInfo.InvariantCulture, $"{d.Label} ({d.Confidence:0.00}) in zone {best.Zone.Name}"), d);
                }
                break;
            case RuleKind.AbsentFromZone:
                foreach (var zone in zones)
                    if (!relevant.Any(d => zone.ShareInside(d.Box, w, h) >= camera.ZoneShare))
                        yield return new Violation(clause.Id, zone.Name, zone.BoundsIn(w, h), rule.Points,
                            $"no {string.Join("/", rule.Labels)} in zone {zone.Name}", null);
                break;
        }
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
