namespace DeskVision;

public enum AuditStatus
{
    /// <summary>The snapshot was analysed and scored.</summary>
    Ok,
    /// <summary>The audit could not run (no snapshot, unreadable image, detector error); the reason says why.</summary>
    Failed,
    /// <summary>
    /// A picture was had but is too poor to judge (blurred, lens covered, camera moved off its view): not scored, so a
    /// camera fault never becomes a staff member's violation; the reason says why.
    /// </summary>
    Unreliable,
}

/// <summary>The outcome of auditing one snapshot of one camera.</summary>
public sealed record AuditResult(
    string CameraKey,
    DateTimeOffset TakenAt,
    AuditStatus Status,
    string? FailureReason,
    int ImageWidth,
    int ImageHeight,
    IReadOnlyList<Detection> Detections,
    IReadOnlyList<Violation> Violations,
    double Score,
    string ModelId,
    string StandardVersion)
{
    /// <summary>
    /// Set when the model did not run because the judged zones looked as on an earlier snapshot: the audit whose
    /// detections this one reused (see <c>Detectors/ZoneSignature</c>).
    /// </summary>
    public long? DetectionsReusedFrom { get; init; }

    /// <summary>The judged zones' thumbnail when the model ran on this snapshot, for later snapshots to compare with.</summary>
    public byte[]? ZoneSignature { get; init; }

    /// <summary>Why the model ran or did not (which zone changed by how much), for the audit's record.</summary>
    public string? ChangeNote { get; init; }

    /// <summary>
    /// Every clause-in-zone a rule found on this snapshot alone, whether or not it became a violation: a rule that needs
    /// K snapshots in a row sees the condition on the first frames of a run without reporting it. Such a frame shows the
    /// condition is still there, so it must not rectify the earlier violation. The violations' conditions count too.
    /// </summary>
    public IReadOnlyList<Condition> Seen { get; init; } = [];

    /// <summary>
    /// The health check found the view no longer matching the camera's view reference (an unreliable audit): the
    /// camera was knocked or turned, and every reference picture taken before is stale until taken again.
    /// </summary>
    public bool CameraMoved { get; init; }

    /// <summary>The conditions this snapshot showed: its violations' and <see cref="Seen"/>.</summary>
    public IReadOnlyList<Condition> Shown => Violations.Select(v => new Condition(v.ClauseId, v.ZoneName)).Concat(Seen).Distinct().ToList();

    public static AuditResult Failed(string cameraKey, DateTimeOffset takenAt, string reason, string modelId, string standardVersion) =>
        new(cameraKey, takenAt, AuditStatus.Failed, reason, 0, 0, [], [], 0, modelId, standardVersion);

    public static AuditResult Unreliable(string cameraKey, DateTimeOffset takenAt, string reason, int width, int height, string modelId, string standardVersion) =>
        new(cameraKey, takenAt, AuditStatus.Unreliable, reason, width, height, [], [], 0, modelId, standardVersion);
}
