namespace DeskVision.Store;

public static class PlannedAuditKinds
{
    public const string Inspection = "inspection";
    public const string SpotCheck = "spot-check";
    public const string Manual = "manual";
    public const string Interval = "interval";
}

public static class PlannedAuditStates
{
    public const string Planned = "planned";
    public const string Done = "done";
    public const string Cancelled = "cancelled";
}

/// <summary>One audit the scheduler has promised to run: the plan is data, so "every planned audit ran once" can be checked.</summary>
public sealed class PlannedAudit
{
    public long Id { get; set; }
    public int CameraId { get; set; }
    public Camera Camera { get; set; } = null!;
    public DateOnly Day { get; set; }
    public required string Kind { get; set; }
    public DateTimeOffset DueAt { get; set; }
    /// <summary>0 for the first snapshot of a burst; the others point at it through <see cref="BurstOf"/>.</summary>
    public int BurstIndex { get; set; }
    public long? BurstOf { get; set; }
    public string State { get; set; } = PlannedAuditStates.Planned;
    public string? HangfireJobId { get; set; }
}
