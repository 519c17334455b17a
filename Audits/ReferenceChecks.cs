using System.Collections.Concurrent;
using DeskVision.Detectors;
using DeskVision.Scoring;
using OpenCvSharp;

namespace DeskVision.Audits;

/// <summary>
/// The checks that compare a snapshot with its camera's reference pictures (see <see cref="CameraReferences"/>), turned
/// into findings the standard's rules can name (<see cref="SceneLabels"/>). A check whose reference the camera lacks
/// does not run. References are read once per file and kept (a few per camera); a changed file is read again.
/// </summary>
public sealed class ReferenceChecks(ObjectDetector detector) : IDisposable
{
    /// <summary>Equipment whose place on the desk is fixed (定置定位): monitor, computer, keyboard, mouse.</summary>
    public static readonly IReadOnlySet<string> FixedEquipment = new HashSet<string> { "tv", "laptop", "keyboard", "mouse" };

    private readonly ConcurrentDictionary<string, (DateTime Written, object Value)> _cache = new();

    /// <summary>The picture the camera's view is compared with to tell it moved: the full view, else the arranged desk, else the empty chair.</summary>
    public ReferenceView? ViewReference(CameraLayout camera) =>
        camera.References.View is { } path ? Cached(path, "view", () => { using var picture = Pictures.Read(path); return new ReferenceView(picture); }) : null;

    public IReadOnlyList<Detection> Run(Mat image, CameraLayout camera, IReadOnlyList<Detection> detections)
    {
        var refs = camera.References;
        var findings = new List<Detection>();
        int w = image.Width, h = image.Height;
        var people = detections.Where(d => d.Label == "person" && d.Confidence >= 0.35f).ToList();

        if (refs.PauseSign is { } signPath)
        {
            var finder = Cached(signPath, "sign", () => { using var sign = Pictures.Read(signPath); return new PauseSignFinder(sign); });
            foreach (var zone in camera.Zones.Where(z => z.Kind == ZoneKind.Desk))
            {
                // A sign stands on the counter and rises above it: search the zone and a margin above it.
                var b = zone.BoundsIn(w, h);
                var area = Pictures.ToRect(new Box(b.X1 - 0.05f * w, b.Y1 - 0.15f * h, b.X2 + 0.05f * w, b.Y2), w, h);
                if (finder.Find(image, area) is { } match)
                    findings.Add(new Detection(SceneLabels.PauseSign, -1, (float)match.Score, match.Box));
            }
        }

        if (refs.EmptyChair is { } chairPath)
        {
            var empty = Cached(chairPath, "picture", () => Pictures.Read(chairPath));
            foreach (var zone in camera.Zones.Where(z => z.Kind == ZoneKind.ChairBack))
            {
                var bounds = zone.BoundsIn(w, h);
                // Someone sitting covers the chair back: it cannot be judged then (the clause is about the empty chair).
                if (people.Any(p => p.Box.IntersectionArea(bounds) > 0.3 * bounds.Area)) continue;
                double change = ChairBackCheck.Dissimilarity(empty, image, Pictures.ToRect(bounds, w, h));
                findings.Add(new Detection(SceneLabels.ChairBackChanged, -1, (float)change, bounds));
            }
        }

        if (refs.Desk is { } deskPath)
        {
            var desk = Cached(deskPath, "picture", () => Pictures.Read(deskPath));
            var onReference = Cached(deskPath, "equipment", () => (IReadOnlyList<Detection>)detector.Detect(desk, 0.35f)
                .Where(d => FixedEquipment.Contains(d.Label)).ToList());
            foreach (var zone in camera.Zones.Where(z => z.Kind == ZoneKind.Desk))
            {
                foreach (var change in DeskLayout.Changes(desk, image, zone.Polygon, people.Select(p => p.Box)))
                    findings.Add(new Detection(SceneLabels.DeskChanged, -1, (float)change.Share, change.Box));
            }
            var scaled = Rescale(onReference, desk.Width, desk.Height, w, h);
            foreach (var moved in DeskLayout.OutOfPlace(scaled, detections.Where(d => d.Confidence >= 0.35f).ToList(), FixedEquipment))
                findings.Add(new Detection(SceneLabels.OutOfPlace, -1, (float)moved.Displacement, moved.Now));
        }

        if (refs.Uniform.Count > 0)
        {
            string key = string.Join("|", refs.Uniform.Concat(refs.UniformLower));
            var uniform = Cached(refs.Uniform[0], "uniform:" + key, () =>
            {
                var torso = refs.Uniform.Select(Pictures.Read).ToList();
                var lower = refs.UniformLower.Select(Pictures.Read).ToList();
                try { return new UniformCheck(torso, lower); }
                finally { foreach (var c in torso.Concat(lower)) c.Dispose(); }
            });
            var ties = camera.Uniform.HasTie ? detections.Where(d => d.Label == "tie" && d.Confidence >= 0.35f).ToList() : [];
            var desks = camera.Zones.Where(z => z.Kind == ZoneKind.Desk).ToList();
            // Behind the counter the lower band shows the counter, not the trousers: it is judged only where it is in view.
            bool Hidden(Box band) => desks.Any(z => z.ShareInside(band, w, h) >= 0.25);
            foreach (var person in people.Where(p => camera.Zones.Any(z => z.Kind == ZoneKind.Seat && z.ShareInside(p.Box, w, h) >= camera.ZoneShare)))
            {
                var reading = uniform.Compare(image, person.Box, Hidden);
                if (ties.Count > 0 && UniformCheck.TieOnTorso(reading, ties)) reading = UniformCheck.WithTie(reading, camera.Uniform.TieWeight);
                findings.Add(new Detection(SceneLabels.NotUniform, -1, (float)reading.Distance, reading.Torso));
                if (reading.LowerDistance is not null)
                    findings.Add(new Detection(SceneLabels.MixedUniform, -1, (float)reading.Mixed, person.Box));
            }
        }
        return findings;
    }

    private static IReadOnlyList<Detection> Rescale(IReadOnlyList<Detection> found, int fromW, int fromH, int toW, int toH)
    {
        if (fromW == toW && fromH == toH) return found;
        float sx = (float)toW / fromW, sy = (float)toH / fromH;
        return found.Select(d => d with { Box = new Box(d.Box.X1 * sx, d.Box.Y1 * sy, d.Box.X2 * sx, d.Box.Y2 * sy) }).ToList();
    }

    private T Cached<T>(string path, string kind, Func<T> load) where T : class
    {
        DateTime written = File.GetLastWriteTimeUtc(path);
        string key = kind + ":" + path;
        if (_cache.TryGetValue(key, out var hit) && hit.Written == written) return (T)hit.Value;
        // A replaced reference is not disposed here: another audit may still be using it; the finaliser frees it.
        var value = load();
        _cache[key] = (written, value);
        return value;
    }

    public void Dispose()
    {
        foreach (var (_, value) in _cache.Values) (value as IDisposable)?.Dispose();
        _cache.Clear();
    }
}
