namespace DeskVision;

/// <summary>What one camera sees: which window of which site, and the zones drawn on its view.</summary>
/// <param name="ZoneShare">An object belongs to a zone when at least this share of its box lies inside the polygon.</param>
public sealed record CameraLayout(string CameraKey, string Site, string Window, double ZoneShare, IReadOnlyList<Zone> Zones, string? Source = null)
{
    /// <summary>Reference pictures of this camera's view (full paths), for the checks that compare against them.</summary>
    public CameraReferences References { get; init; } = CameraReferences.None;

    /// <summary>The desk edge as a height on the image (0..1 from the top): a seated person whose box top lies below it is slumped on the desk.</summary>
    public double? DeskLine { get; init; }

    /// <summary>When a snapshot is too poor to judge (blurred, covered, camera moved): then the audit is unreliable, not scored.</summary>
    public HealthLimits Health { get; init; } = HealthLimits.Default;

    /// <summary>When a burst frame or spot check may reuse the detections of an earlier snapshot whose judged zones look the same.</summary>
    public SkipUnchanged Unchanged { get; init; } = SkipUnchanged.Default;

    /// <summary>What the site says of its uniform beyond the pictures (the site file's <c>uniform:</c>).</summary>
    public SiteUniform Uniform { get; init; } = SiteUniform.Default;
}

/// <summary>The site's uniform, as data in its site file.</summary>
/// <param name="HasTie">The uniform has a tie: a tie the detector finds on a seated person's torso is evidence the uniform is worn.</param>
/// <param name="TieWeight">How much such a tie lowers the torso's distance from the uniform (the not-uniform finding): by this share of it.</param>
public sealed record SiteUniform(bool HasTie, double TieWeight)
{
    public static readonly SiteUniform Default = new(HasTie: false, TieWeight: 0.2);
}

/// <summary>
/// Pictures a site takes of each camera's view when it is set up. Paths are full paths (the camera file gives them
/// relative to itself). Null or empty: the check that needs it does not run for this camera.
/// </summary>
/// <param name="PauseSign">A picture of the "暂停服务" sign alone (a crop), matched on the snapshot.</param>
/// <param name="EmptyChair">The whole view with the staff chair empty and nothing on its back; the chair-back zone is compared.</param>
/// <param name="Desk">The whole view with the desk arranged as it should be; the desk zone is compared, and the rest of the
/// view tells whether the camera moved.</param>
/// <param name="Uniform">Crops of the uniform's torso (one per season or colour); the seated person's torso is compared.</param>
public sealed record CameraReferences(string? PauseSign, string? EmptyChair, string? Desk, IReadOnlyList<string> Uniform)
{
    public static readonly CameraReferences None = new(null, null, null, []);

    /// <summary>Crops of the uniform's trousers or skirt, for the mixed-uniform check; none: that check does not run.</summary>
    public IReadOnlyList<string> UniformLower { get; init; } = [];

    /// <summary>The whole view as the camera was mounted, which the camera-moved check compares with; without it the
    /// arranged desk, else the empty chair, serves.</summary>
    public string? FullView { get; init; }

    /// <summary>The picture the camera-moved check compares with.</summary>
    public string? View => FullView ?? Desk ?? EmptyChair;
}

/// <param name="MinSharpness">Variance of the Laplacian of the frame scaled to 640 px wide; below it the frame is blurred.</param>
/// <param name="MinViewMatch">Share (0..1) of the reference view's features that must still be found where they were; below it the camera moved.</param>
public sealed record HealthLimits(double MinSharpness, double MinViewMatch)
{
    public static readonly HealthLimits Default = new(MinSharpness: 30, MinViewMatch: 0.08);
}

/// <summary>
/// Skipping the model on a frame whose judged zones did not change since an earlier frame that the model did see.
/// </summary>
/// <param name="Enabled">False: the model runs on every frame of this camera.</param>
/// <param name="PixelDelta">A cell (4×4 pixels of the model's 640 px view, grey 0..255) changed when its average moved by more than this.</param>
/// <param name="MinChangedCells">A zone changed when this many of its cells changed; one cell is smaller than anything the model finds.</param>
/// <param name="MaxAgeMinutes">Only an earlier frame this recent is compared: daylight and lamps drift over the day.</param>
public sealed record SkipUnchanged(bool Enabled, int PixelDelta, int MinChangedCells, double MaxAgeMinutes)
{
    public static readonly SkipUnchanged Default = new(Enabled: true, PixelDelta: 8, MinChangedCells: 2, MaxAgeMinutes: 15);
}
