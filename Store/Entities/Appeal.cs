namespace DeskVision.Store;

public static class AppealOutcomes
{
    public const string Upheld = "upheld";
    public const string Overturned = "overturned";
}

/// <summary>
/// A staff member disputes a violation (申诉); a manager upholds or overturns it. An overturned violation no longer counts
/// in any score or roll-up and is listed as a false positive of the detector. The decision is kept: who, when, why.
/// </summary>
public sealed class Appeal
{
    public long Id { get; set; }
    public long ViolationId { get; set; }
    public AuditViolation Violation { get; set; } = null!;
    /// <summary>Who appealed; null when a manager marked the violation a false positive while reviewing the audit (no one appealed).</summary>
    public int? StaffId { get; set; }
    public Staff? Staff { get; set; }
    public required string Reason { get; set; }
    public DateTimeOffset FiledAt { get; set; }
    /// <summary>Null while pending; then upheld or overturned (see <see cref="AppealOutcomes"/>).</summary>
    public string? Outcome { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecisionNote { get; set; }
}
