namespace DeskVision.Store;

public static class AuditStatuses
{
    public const string Ok = "ok";
    public const string Failed = "failed";
    /// <summary>A picture was had but was too poor to judge (blurred, covered, camera moved); not scored.</summary>
    public const string Unreliable = "unreliable";
}

public sealed class Audit
{
    public long Id { get; set; }
    public int CameraId { get; set; }
    public Camera Camera { get; set; } = null!;
    public DateTimeOffset TakenAt { get; set; }
    public DateTimeOffset StoredAt { get; set; }
    /// <summary>ok or failed (see <see cref="AuditStatuses"/>).</summary>
    public required string Status { get; set; }
    public string? FailureReason { get; set; }
    public required string ModelId { get; set; }
    public int? StandardVersionId { get; set; }
    public StandardVersion? StandardVersion { get; set; }
    public int ImageWidth { get; set; }
    public int ImageHeight { get; set; }
    public double Score { get; set; }
    /// <summary>Where the snapshot came from (path or URL without credentials).</summary>
    public string? Source { get; set; }
    /// <summary>The snapshot as received, relative to the evidence folder; null when none was had.</summary>
    public string? SnapshotPath { get; set; }
    /// <summary>Set by a scheduled job so a retried job cannot store the same audit twice.</summary>
    public string? RunKey { get; set; }
    public long? PlannedAuditId { get; set; }
    /// <summary>The process that ran the audit (host:pid), to see how work spreads over workers.</summary>
    public string? ProcessedBy { get; set; }
    /// <summary>Set when the model did not run because the judged zones looked as on this earlier audit, whose detections were copied.</summary>
    public long? DetectionsReusedFrom { get; set; }
    /// <summary>Grey thumbnail of the judged zones, kept when the model ran, for later snapshots to compare with (see ZoneSignature).</summary>
    public byte[]? ZoneSignature { get; set; }
    /// <summary>Why the model ran or not on this snapshot (which zone changed by how much).</summary>
    public string? ChangeNote { get; set; }
    /// <summary>
    /// [[clause key, zone], ...]: every condition a rule found on this snapshot, violation or not (a rule over K snapshots
    /// in a row sees it before it reports it). A later audit rectifies only what it did not see (<see cref="Rectification"/>).
    /// </summary>
    public string[][] ConditionsSeen { get; set; } = [];
    public List<AuditDetection> Detections { get; set; } = [];
    public List<AuditViolation> Violations { get; set; } = [];
}

public sealed class AuditDetection
{
    public long Id { get; set; }
    public long AuditId { get; set; }
    public required string Label { get; set; }
    public int ClassId { get; set; }
    public float Confidence { get; set; }
    public float X1 { get; set; }
    public float Y1 { get; set; }
    public float X2 { get; set; }
    public float Y2 { get; set; }
}

/// <summary>
/// One breach of one clause in one audit. It is open until a later audit of the same camera no longer shows the clause
/// in that zone (<see cref="RectifiedByAuditId"/>), or a manager closes it with a note; an overturned appeal takes it out
/// of every score and count (see <see cref="Appeal"/>).
/// </summary>
public sealed class AuditViolation
{
    public long Id { get; set; }
    public long AuditId { get; set; }
    public Audit Audit { get; set; } = null!;
    public int ClauseId { get; set; }
    public Clause Clause { get; set; } = null!;
    public required string ZoneName { get; set; }
    public double Points { get; set; }
    public required string Reason { get; set; }
    public float X1 { get; set; }
    public float Y1 { get; set; }
    public float X2 { get; set; }
    public float Y2 { get; set; }
    /// <summary>The detection behind it, for the false-positive list; null for an absence.</summary>
    public string? Label { get; set; }
    public float? Confidence { get; set; }

    // 整改: when and how the condition ended. Null ClosedAt means open.
    /// <summary>When it was rectified: the rectifying audit's time, or when a manager closed it.</summary>
    public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>The later audit of the same camera that no longer showed the clause in the zone.</summary>
    public long? RectifiedByAuditId { get; set; }
    public Audit? RectifiedByAudit { get; set; }
    /// <summary>The manager who closed it by hand, and why; null when an audit rectified it.</summary>
    public string? ClosedBy { get; set; }
    public string? CloseNote { get; set; }

    public Appeal? Appeal { get; set; }
}
