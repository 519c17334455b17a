namespace DeskVision.Scoring;

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
