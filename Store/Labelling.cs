namespace DeskVision.Store;

/// <summary>How a label came to be (<see cref="FrameLabel.Source"/>).</summary>
public static class LabelSources
{
    /// <summary>Drawn by hand on the labelling page.</summary>
    public const string Drawn = "drawn";
    /// <summary>The model's box (or a confirmed violation's) kept by a person, perhaps moved or relabelled.</summary>
    public const string Accepted = "accepted";
    /// <summary>Read from a YOLO export (CVAT, Label Studio, Roboflow) by <c>deskvision dataset import</c>.</summary>
    public const string Imported = "imported";
    /// <summary>A box a manager marked a false positive that no label covers: the object named is NOT there.</summary>
    public const string Negative = "negative";
    public static readonly IReadOnlyList<string> All = [Drawn, Accepted, Imported, Negative];
}

/// <summary>
/// A picture people label: an audit's snapshot, or an imported image. Its labels are rows of their own and never touch
/// the audit's detections. "Done" means every object of the site's classes on it is boxed: only done frames are trained
/// or judged on. <see cref="HeldBack"/> is decided once, when the frame is made, and never changes, so a frame that
/// judges models is never trained on.
/// </summary>
public sealed class LabelledFrame
{
    public long Id { get; set; }
    public int CameraId { get; set; }
    public Camera Camera { get; set; } = null!;
    /// <summary>The audit whose snapshot this is; null for an imported image.</summary>
    public long? AuditId { get; set; }
    public Audit? Audit { get; set; }
    /// <summary>
    /// The picture, relative to the training folder: an imported image, or the unblurred frame kept when the site's
    /// <c>training.keep_frames</c> is on. Null: the audit's (face-blurred) evidence picture is used.
    /// </summary>
    public string? ImagePath { get; set; }
    /// <summary>True when <see cref="ImagePath"/> is an unblurred camera frame (personal data: deleted by the retention job like evidence).</summary>
    public bool Unblurred { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public DateTimeOffset TakenAt { get; set; }
    /// <summary>In the site's held-back set: models are judged on it and never trained on it.</summary>
    public bool HeldBack { get; set; }
    /// <summary>Who marked the frame done (every object of the site's classes boxed), and when; null while not done.</summary>
    public string? DoneBy { get; set; }
    public DateTimeOffset? DoneAt { get; set; }
    /// <summary>Where an imported frame came from (the file inside the export), for the record.</summary>
    public string? ImportedFrom { get; set; }
    public List<FrameLabel> Labels { get; set; } = [];
}

/// <summary>One box on a frame with its class name, in the frame's pixels; who set it and when.</summary>
public sealed class FrameLabel
{
    public long Id { get; set; }
    public long FrameId { get; set; }
    public LabelledFrame Frame { get; set; } = null!;
    public required string ClassName { get; set; }
    public float X1 { get; set; }
    public float Y1 { get; set; }
    public float X2 { get; set; }
    public float Y2 { get; set; }
    /// <summary>One of <see cref="LabelSources"/>.</summary>
    public required string Source { get; set; }
    public required string By { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>A site's training settings (site file <c>training:</c>); a site without a row has the defaults.</summary>
public sealed class SiteTraining
{
    public const int DefaultMinNewFrames = 20;

    public int SiteId { get; set; }
    /// <summary><c>training.keep_frames</c>: keep the unblurred frame of each labelled audit for training (off: the blurred evidence is used).</summary>
    public bool KeepFrames { get; set; }
    /// <summary><c>training.min_new_frames</c>: the nightly job trains only when at least this many frames were marked done since the last run.</summary>
    public int MinNewFrames { get; set; } = DefaultMinNewFrames;
}
