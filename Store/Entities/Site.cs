namespace DeskVision.Store;

public sealed class Site
{
    public int Id { get; set; }
    public required string Key { get; set; }
    public required string Name { get; set; }
    /// <summary>IANA zone the opening hours are in.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";
    /// <summary>E.g. "mon-fri 09:00-12:00 13:30-17:30"; the scheduler reads it.</summary>
    public string OpeningHours { get; set; } = "mon-fri 09:00-12:00 13:30-17:30";
    /// <summary>Days the hall is closed although the weekday is open (public holidays).</summary>
    public List<DateOnly> Holidays { get; set; } = [];
    /// <summary>The site's uniform has a tie (site file <c>uniform: { tie: true }</c>): a tie on a seated person's torso is evidence it is worn.</summary>
    public bool UniformHasTie { get; set; }
    /// <summary>How much that tie lowers the torso's distance from the uniform, as a share of it (<c>uniform: { tie_weight: }</c>).</summary>
    public double UniformTieWeight { get; set; } = SiteUniform.Default.TieWeight;
    public List<Window> Windows { get; set; } = [];
}

/// <summary>A service window (窗口): one counter, one seat, usually one camera.</summary>
public sealed class Window
{
    public int Id { get; set; }
    public int SiteId { get; set; }
    public Site Site { get; set; } = null!;
    public required string Name { get; set; }
    public List<Camera> Cameras { get; set; } = [];
}
