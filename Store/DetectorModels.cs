namespace DeskVision.Store;

public static class DetectorModelStatuses
{
    /// <summary>Trained or registered, not judged yet.</summary>
    public const string Candidate = "candidate";
    /// <summary>Judged better (or promoted by an admin): the latest promoted is the site's current model.</summary>
    public const string Promoted = "promoted";
    /// <summary>Judged not better than the current model; kept with its figures.</summary>
    public const string Rejected = "rejected";
    /// <summary>Was promoted, then an admin rolled it back.</summary>
    public const string RolledBack = "rolled-back";
    /// <summary>The nightly job is training it; <see cref="DetectorModel.Verdict"/> holds the latest epoch's line.</summary>
    public const string Training = "training";
    /// <summary>The training run failed; the verdict says why.</summary>
    public const string Failed = "failed";
}

/// <summary>
/// One version of a site's detector: an ONNX file with its hash, what it was trained from, and its figures on the
/// site's held-back frames. The site's current model is the one promoted last (<see cref="PromotedAt"/>); with none,
/// the configured stock model runs.
/// </summary>
public sealed class DetectorModel
{
    public int Id { get; set; }
    public int SiteId { get; set; }
    public Site Site { get; set; } = null!;
    /// <summary>The ONNX file, absolute, or relative to the training folder.</summary>
    public required string FilePath { get; set; }
    /// <summary>SHA-256 of the file when it was stored: a file that no longer matches is refused at promotion.</summary>
    public required string FileSha256 { get; set; }
    /// <summary>What it was trained from: a stock tier (<c>yolov8s.onnx@hash</c>) or an earlier version.</summary>
    public required string BaseModel { get; set; }
    /// <summary>Hash of the training data (frames and labels) it was trained on; null for a model registered from elsewhere.</summary>
    public string? DataHash { get; set; }
    public List<string> ClassNames { get; set; } = [];
    /// <summary>Per-class AP50 on the held-back frames, JSON <c>[{"label":..,"ap50":..,"gt":..}]</c>; null when not judged.</summary>
    public string? ApJson { get; set; }
    /// <summary>mAP50 over the classes the standard's rules use (those with ground truth on the frames judged on).</summary>
    public double? RuleMap50 { get; set; }
    /// <summary>The current model it was judged against and that model's per-class AP50 on the same frames (JSON as above).</summary>
    public string? JudgedAgainst { get; set; }
    public string? AgainstApJson { get; set; }
    public double? AgainstRuleMap50 { get; set; }
    /// <summary>Ids of the held-back <see cref="LabelledFrame"/>s it was judged on.</summary>
    public List<long> JudgedOnFrames { get; set; } = [];
    /// <summary>How many done frames it was trained on.</summary>
    public int TrainedOnFrames { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>One of <see cref="DetectorModelStatuses"/>.</summary>
    public string Status { get; set; } = DetectorModelStatuses.Candidate;
    /// <summary>Why it was promoted or rejected (the rule's verdict), or why a promotion was refused.</summary>
    public string? Verdict { get; set; }
    public string? PromotedBy { get; set; }
    public DateTimeOffset? PromotedAt { get; set; }
    public string? RolledBackBy { get; set; }
    public DateTimeOffset? RolledBackAt { get; set; }
}
