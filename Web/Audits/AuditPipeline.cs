using DeskVision.Detectors;
using DeskVision.Ingest;
using DeskVision.Scoring;

namespace DeskVision.Web.Audits;

/// <summary>
/// One snapshot through the stages: decode and check (Ingest) → detections (Detectors) → violations and score (Scoring).
/// No I/O: storing the result is the caller's step, so the same path serves the CLI, the jobs and the benchmark.
/// </summary>
public sealed class AuditPipeline(ObjectDetector detector, Standard standard)
{
    public Standard Standard => standard;
    public string ModelId => detector.ModelId;

    public AuditResult Run(Snapshot snapshot, CameraLayout camera)
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
            var detections = detector.Detect(image);
            var (violations, score) = Scorecard.Evaluate(detections, image.Width, image.Height, camera, standard);
            return new AuditResult(camera.CameraKey, snapshot.TakenAt, AuditStatus.Ok, null, image.Width, image.Height,
                detections, violations, score, detector.ModelId, standard.Version);
        }
    }
}
