namespace DeskVision.Scoring;

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

/// <summary>Reads and validates a camera file (see <c>sites/demo/cameras/*.yaml</c>).</summary>
public static class CameraFile
{
    public static readonly IReadOnlyList<string> AllowedSources = ["http://", "https://", "rtsp://", "folder:"];

    public static CameraLayout Load(string path) => Read(ConfigNode.Load(path));

    public static CameraLayout Parse(string name, string text) => Read(ConfigNode.Parse(name, text));

    private static CameraLayout Read(ConfigNode root)
    {
        root.RejectUnknown("camera", "site", "window", "zone_share", "zones", "source", "references", "desk_line", "health", "skip_unchanged");
        string key = root.String("camera");
        if (key.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_')))
            throw root.Error("camera", $"must be a key of letters, digits, '-' and '_', got '{key}'");
        double share = root.Number("zone_share", 0.01, 1, 0.5);

        var zones = new List<Zone>();
        foreach (var z in root.Entries("zones", (e, i) => $"zones[{i}] ({e.OptionalString("name") ?? "no name"})"))
        {
            z.RejectUnknown("name", "kind", "polygon");
            string name = z.String("name");
            if (zones.Any(other => other.Name == name)) throw z.Error("name", $"'{name}' is used by two zones");
            string kindName = z.String("kind");
            if (!ZoneKinds.TryParse(kindName, out var kind))
                throw z.Error("kind", $"must be one of {string.Join(", ", ZoneKinds.Names)}, got '{kindName}'");
            var polygon = z.Points("polygon", 0, 1);
            if (polygon.Count < 3) throw z.Error("polygon", $"needs at least 3 points, got {polygon.Count}");
            if (new Zone(name, kind, polygon).ShareInside(new Box(0, 0, 1000, 1000), 1000, 1000) <= 0)
                throw z.Error("polygon", "has no area (points on one line?)");
            zones.Add(new Zone(name, kind, polygon));
        }
        if (zones.Count == 0) throw root.Error("zones", "must list at least one zone");
        var health = root.Section("health");
        health?.RejectUnknown("min_sharpness", "min_view_match");
        var skip = root.Section("skip_unchanged");
        skip?.RejectUnknown("enabled", "pixel_delta", "min_changed_cells", "max_age_minutes");
        string? source = root.OptionalString("source");
        // Only camera protocols: a file:// or gopher:// source would let a camera entry read or probe anything.
        if (source is not null && !AllowedSources.Any(p => source.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
            throw root.Error("source", $"must start with {string.Join(", ", AllowedSources)}");
        return new CameraLayout(key, root.String("site"), root.String("window"), share, zones, source)
        {
            References = ReadReferences(root),
            DeskLine = root.Has("desk_line") ? root.Number("desk_line", 0, 1) : null,
            Health = health is null ? HealthLimits.Default : new HealthLimits(
                health.Number("min_sharpness", 0, 10_000, HealthLimits.Default.MinSharpness),
                health.Number("min_view_match", 0, 1, HealthLimits.Default.MinViewMatch)),
            Unchanged = skip is null ? SkipUnchanged.Default : new SkipUnchanged(
                skip.Bool("enabled", SkipUnchanged.Default.Enabled),
                (int)skip.Number("pixel_delta", 1, 255, SkipUnchanged.Default.PixelDelta),
                (int)skip.Number("min_changed_cells", 1, 100_000, SkipUnchanged.Default.MinChangedCells),
                skip.Number("max_age_minutes", 0, 24 * 60, SkipUnchanged.Default.MaxAgeMinutes)),
        };
    }

    /// <summary>
    /// <c>references: { pause-sign: refs/w1/pause-sign.jpg, empty-chair: ..., desk: ..., full-view: ..., uniform: [..] }</c>, paths
    /// relative to the camera file. Each must be a JPEG or PNG that exists, so a typo stops at load, not at the first audit.
    /// </summary>
    private static CameraReferences ReadReferences(ConfigNode root)
    {
        if (root.Section("references") is not { } refs) return CameraReferences.None;
        refs.RejectUnknown("pause-sign", "empty-chair", "desk", "full-view", "uniform", "uniform-lower");
        string folder = Path.GetDirectoryName(Path.GetFullPath(root.File)) ?? ".";
        string? Picture(string field, string? relative)
        {
            if (relative is null) return null;
            string full = Path.GetFullPath(Path.Combine(folder, relative));
            if (!File.Exists(full)) throw refs.Error(field, $"names '{relative}', which does not exist (looked for {full})");
            var head = new byte[8];
            using (var f = File.OpenRead(full)) f.ReadExactly(head, 0, Math.Min(8, (int)f.Length));
            bool jpeg = head is [0xFF, 0xD8, 0xFF, ..], png = head is [0x89, 0x50, 0x4E, 0x47, ..];
            if (!jpeg && !png) throw refs.Error(field, $"names '{relative}', which is not a JPEG or PNG picture");
            return full;
        }
        return new CameraReferences(
            Picture("pause-sign", refs.OptionalString("pause-sign")),
            Picture("empty-chair", refs.OptionalString("empty-chair")),
            Picture("desk", refs.OptionalString("desk")),
            refs.Strings("uniform", required: false).Select(u => Picture("uniform", u)!).ToList())
        {
            FullView = Picture("full-view", refs.OptionalString("full-view")),
            UniformLower = refs.Strings("uniform-lower", required: false).Select(u => Picture("uniform-lower", u)!).ToList(),
        };
    }
}
