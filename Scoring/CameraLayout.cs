namespace DeskVision.Scoring;

/// <summary>What one camera sees: which window of which site, and the zones drawn on its view.</summary>
/// <param name="ZoneShare">An object belongs to a zone when at least this share of its box lies inside the polygon.</param>
public sealed record CameraLayout(string CameraKey, string Site, string Window, double ZoneShare, IReadOnlyList<Zone> Zones, string? Source = null);

/// <summary>Reads and validates a camera file (see <c>sites/demo/cameras/*.yaml</c>).</summary>
public static class CameraFile
{
    public static CameraLayout Load(string path) => Read(ConfigNode.Load(path));

    public static CameraLayout Parse(string name, string text) => Read(ConfigNode.Parse(name, text));

    private static CameraLayout Read(ConfigNode root)
    {
        root.RejectUnknown("camera", "site", "window", "zone_share", "zones", "source");
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
        return new CameraLayout(key, root.String("site"), root.String("window"), share, zones, root.OptionalString("source"));
    }
}
