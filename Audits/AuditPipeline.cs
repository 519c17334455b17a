using DeskVision.Detectors;
using DeskVision.Ingest;
using DeskVision.Scoring;

namespace DeskVision.Audits;

/// <summary>
/// One snapshot through the stages: decode and check (Ingest) → camera health → detections and reference checks
/// (Detectors) → violations and score (Scoring). No I/O beyond reading the camera's reference pictures: storing the
/// result is the caller's step, so the same path serves the CLI, the jobs and the benchmark.
/// </summary>
public sealed class AuditPipeline(ObjectDetector detector, Standard standard)
{
    private readonly ReferenceChecks _references = new(detector);

    public Standard Standard => standard;
    public string ModelId => detector.ModelId;

    public AuditResult Run(Snapshot snapshot, CameraLayout camera) => Run(snapshot, camera, []);

    /// <param name="earlier">The frames just before this one in its burst (oldest first, none failed or unreliable in
    /// between), for the rules that need several snapshots in a row; see <see cref="Scorecard.Evaluate(Frame, IReadOnlyList{Frame}, CameraLayout, Standard)"/>.</param>
    /// <param name="seen">An earlier snapshot of this camera the model ran on: when the judged zones look the same
    /// now, its detections are reused instead of running the model (<see cref="SkipUnchanged"/>).</param>
    /// <param name="scoredWith">The version of the standard to judge by (the jobs pass the one published last); by
    /// default the one this pipeline was made with.</param>
    public AuditResult Run(Snapshot snapshot, CameraLayout camera, IReadOnlyList<Frame> earlier, SeenBefore? seen = null, Standard? scoredWith = null)
    {
        var judgeBy = scoredWith ?? standard;
        AuditResult Failed(BadSnapshotException e) => AuditResult.Failed(camera.CameraKey, snapshot.TakenAt, e.Message, detector.ModelId, judgeBy.Version);
        OpenCvSharp.Mat image;
        try { image = SnapshotImage.Decode(snapshot.Image); }
        catch (BadSnapshotException e) { return Failed(e); }
        using (image)
        {
            // One grey 640 px copy serves every cheap check (black frame, health, what changed): made once, not three times.
            using var grey = CameraHealth.WorkingGrey(image);
            try { FrameCheck.ThrowIfBlack(grey); }
            catch (BadSnapshotException e) { return Failed(e); }
            // A camera fault must not become a staff member's violation: judge nothing on a frame that cannot be judged.
            var health = CameraHealth.MeasureWorkingGrey(grey, _references.ViewReference(camera));
            if (CameraHealth.Problem(health, camera.Health.MinSharpness, camera.Health.MinViewMatch) is { } problem)
                return AuditResult.Unreliable(camera.CameraKey, snapshot.TakenAt, problem, image.Width, image.Height, detector.ModelId, judgeBy.Version) with
                {
                    CameraMoved = CameraHealth.Diagnose(health, camera.Health.MinSharpness, camera.Health.MinViewMatch) == HealthProblem.Moved,
                };

            var (objects, signature, reusedFrom, note) = Objects(image, grey, camera, seen, judgeBy);
            IReadOnlyList<Detection> detections = [.. objects, .. _references.Run(image, camera, objects)];
            var judged = Scorecard.Judge(new Frame(detections, image.Width, image.Height), earlier, camera, judgeBy);
            return new AuditResult(camera.CameraKey, snapshot.TakenAt, AuditStatus.Ok, null, image.Width, image.Height,
                detections, judged.Violations, judged.Score, detector.ModelId, judgeBy.Version)
            {
                DetectionsReusedFrom = reusedFrom, ZoneSignature = signature, ChangeNote = note, Seen = judged.Seen,
            };
        }
    }

    /// <summary>
    /// The model's objects on this frame: its own run, or those of <paramref name="seen"/> when no judged zone changed
    /// since. Only zones a scored rule looks at are compared: a customer walking past changes nothing the standard judges.
    /// The reference checks still run on every frame (they are cheap and compare with pictures, not with the last frame).
    /// </summary>
    private (IReadOnlyList<Detection> Objects, byte[]? Signature, long? ReusedFrom, string? Note) Objects(OpenCvSharp.Mat image, OpenCvSharp.Mat grey, CameraLayout camera, SeenBefore? seen, Standard judgeBy)
    {
        var judged = judgeBy.ZonesJudged;
        var zones = camera.Unchanged.Enabled ? camera.Zones.Where(z => judged.Contains(z.Kind)).ToList() : [];
        if (zones.Count == 0) return (detector.Detect(image), null, null, null);

        var signature = ZoneSignature.Of(grey, zones);
        string? note = null;
        if (seen is not null && ZoneSignature.FromBytes(seen.Signature) is { } before)
        {
            var change = signature.CompareWith(before, camera.Unchanged.PixelDelta);
            if (change.IsUnchanged(camera.Unchanged.MinChangedCells))
                return (seen.Objects, null, seen.AuditId, $"judged zones unchanged since audit {seen.AuditId} ({change}): its detections reused, model not run");
            note = $"model run: changed since audit {seen.AuditId} ({change})";
        }
        // Stored only with a frame the model saw: later frames compare with it, never with a copy of a copy, so a slow
        // drift (an object pushed a little on every frame) adds up against one fixed frame and is caught.
        return (detector.Detect(image), signature.ToBytes(), null, note);
    }
}

/// <summary>An earlier snapshot of the same camera that the model ran on: its zone thumbnail and the model's objects on it.</summary>
public sealed record SeenBefore(long AuditId, byte[] Signature, IReadOnlyList<Detection> Objects);
