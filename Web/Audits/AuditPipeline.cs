using DeskVision.Detectors;
using DeskVision.Ingest;
using DeskVision.Scoring;

namespace DeskVision.Web.Audits;

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
    public AuditResult Run(Snapshot snapshot, CameraLayout camera, IReadOnlyList<Frame> earlier)
    {
        OpenCvSharp.Mat image;
        try
        {
            image = SnapshotImage.Decode(snapshot.Image);
            try { FrameCheck.ThrowIfBlack(image); }
            catch { image.Dispose(); throw; }
        }
        catch (BadSnapshotException e)
        {
            return AuditResult.Failed(camera.CameraKey, snapshot.TakenAt, e.Message, detector.ModelId, standard.Version);
        }
        using (image)
        {
            // A camera fault must not become a staff member's violation: judge nothing on a frame that cannot be judged.
            var health = CameraHealth.Measure(image, _references.ViewReference(camera));
            if (CameraHealth.Problem(health, camera.Health.MinSharpness, camera.Health.MinViewMatch) is { } problem)
                return AuditResult.Unreliable(camera.CameraKey, snapshot.TakenAt, problem, image.Width, image.Height, detector.ModelId, standard.Version);

            var objects = detector.Detect(image);
            IReadOnlyList<Detection> detections = [.. objects, .. _references.Run(image, camera, objects)];
            var (violations, score) = Scorecard.Evaluate(new Frame(detections, image.Width, image.Height), earlier, camera, standard);
            return new AuditResult(camera.CameraKey, snapshot.TakenAt, AuditStatus.Ok, null, image.Width, image.Height,
                detections, violations, score, detector.ModelId, standard.Version);
        }
    }
}
