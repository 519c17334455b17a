namespace DeskVision.Detectors;

public sealed record DetectorOptions
{
    /// <summary>Path to the ONNX file (see <see cref="ModelFile"/>).</summary>
    public required string ModelPath { get; init; }

    /// <summary>Boxes scoring below this are dropped. Rules of the standard apply their own, higher, thresholds.</summary>
    public float MinConfidence { get; init; } = 0.20f;

    /// <summary>Class-aware NMS overlap; 0.7 is the Ultralytics default, and what the reference figures use.</summary>
    public float NmsIoU { get; init; } = 0.7f;

    public int MaxDetections { get; init; } = 300;

    /// <summary>ONNX Runtime intra-op threads; 0 = one per core.</summary>
    public int Threads { get; init; }

    /// <summary>Let ONNX Runtime's threads busy-wait between operators (off by default; see ObjectDetector). For the benchmark.</summary>
    public bool AllowSpinning { get; init; }
}
