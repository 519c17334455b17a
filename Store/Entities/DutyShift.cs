namespace DeskVision.Store;

/// <summary>
/// Who is on duty at which window when (排班), [From, To). A violation belongs to whoever's shift covers its audit's time;
/// a time no shift covers is "no one on the roster", never guessed from <see cref="Staff.WindowId"/>.
/// </summary>
public sealed class DutyShift
{
    public long Id { get; set; }
    public int StaffId { get; set; }
    public Staff Staff { get; set; } = null!;
    public int WindowId { get; set; }
    public Window Window { get; set; } = null!;
    public DateTimeOffset From { get; set; }
    public DateTimeOffset To { get; set; }
    /// <summary>Where the shift came from: <c>site.yaml</c> for the seeded roster (re-seeding replaces those), <c>api</c>.</summary>
    public string Source { get; set; } = DutyShiftSources.Api;
}

public static class DutyShiftSources
{
    public const string SiteFile = "site.yaml";
    public const string Api = "api";
}
