namespace DeskVision.Store;

public sealed class Staff
{
    public int Id { get; set; }
    public int SiteId { get; set; }
    public required string Name { get; set; }
    /// <summary>The window the staff member usually works. Attribution never reads it: only the duty roster (<see cref="DutyShift"/>) says who was on duty.</summary>
    public int? WindowId { get; set; }
}
