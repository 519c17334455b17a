using OpenCvSharp;

namespace DeskVision.Detectors;

/// <summary>
/// A cheap model on every frame, a stronger one only where the cheap one is unsure: a frame is passed on when any
/// object of the classes that matter has a confidence between <see cref="UnsureFrom"/> and <see cref="SureFrom"/>
/// (a phone at 0.3 might be a phone; at 0.05 or at 0.8 the cheap model has made up its mind). The stronger model's
/// detections then replace the cheap one's for the whole frame, so one frame never mixes two models' scores.
/// </summary>
public sealed class Cascade(ObjectDetector cheap, ObjectDetector strong, IReadOnlySet<int> classes)
{
    public float UnsureFrom { get; init; } = 0.15f;
    public float SureFrom { get; init; } = 0.6f;

    public string ModelId => $"{cheap.ModelId}→{strong.ModelId}";

    public (IReadOnlyList<Detection> Detections, bool Escalated) Detect(Mat image, float minConfidence)
    {
        var first = cheap.Detect(image, minConfidence);
        bool unsure = first.Any(d => classes.Contains(d.ClassId) && d.Confidence >= UnsureFrom && d.Confidence < SureFrom);
        return unsure ? (strong.Detect(image, minConfidence), true) : (first, false);
    }
}
