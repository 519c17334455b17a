namespace DeskVision.Store;

/// <summary>Who changed what, and when: standard changes, zone edits, appeal decisions, user changes.</summary>
public sealed class AuditLogEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string Subject { get; set; }
    public string? Details { get; set; }
}
