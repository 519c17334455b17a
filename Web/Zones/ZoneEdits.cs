using System.Text.Json;
using System.Text.Json.Serialization;
using DeskVision.Scoring;
using DeskVision.Store;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Zones;

/// <summary>
/// Zones edited in the browser, checked exactly as a camera file's zones are (<see cref="CameraFile"/>: coordinates in
/// 0..1, at least 3 points, a known kind, an area, unique names), by writing them as a camera file and reading it back.
/// Each zone is read on its own first, so every wrong zone is reported at once, not only the first.
/// </summary>
public static class ZoneEdits
{
    public const string LogAction = AuditWriter.ZonesEditedAction;
    public const int MaxZones = 20, MaxPoints = 64, MaxName = 40;

    public sealed record ZoneInput(string? Name, string? Kind, double[][]? Polygon);

    /// <param name="Zone">The zone's index in the list; null for a problem of the whole list.</param>
    public sealed record ZoneError(int? Zone, string? Name, string Field, string Message);

    public static string Subject(string cameraKey) => AuditWriter.CameraSubject(cameraKey);

    private static readonly JsonSerializerOptions Yaml = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>The zones if they are all right, else every problem found.</summary>
    public static (IReadOnlyList<Zone>? Zones, IReadOnlyList<ZoneError> Errors) Validate(Camera camera, IReadOnlyList<ZoneInput>? zones)
    {
        var errors = new List<ZoneError>();
        if (zones is null || zones.Count == 0) return (null, [new ZoneError(null, null, "zones", "must list at least one zone")]);
        if (zones.Count > MaxZones) return (null, [new ZoneError(null, null, "zones", $"at most {MaxZones} zones")]);
        for (int i = 0; i < zones.Count; i++)
        {
            var z = zones[i];
            if (z is null) { errors.Add(new ZoneError(i, null, "zone", "is empty")); continue; }
            if (z.Name is { Length: > MaxName }) { errors.Add(new ZoneError(i, z.Name, "name", $"is longer than {MaxName} characters")); continue; }
            if (z.Polygon is { Length: > MaxPoints }) { errors.Add(new ZoneError(i, z.Name, "polygon", $"has more than {MaxPoints} points")); continue; }
            if (Read(camera, [z]) is { } problem) errors.Add(problem with { Zone = i, Name = z.Name });
        }
        foreach (var same in zones.Select((z, i) => (z?.Name?.Trim(), i)).Where(x => !string.IsNullOrEmpty(x.Item1)).GroupBy(x => x.Item1).Where(g => g.Count() > 1))
            foreach (var (name, i) in same.Skip(1))
                errors.Add(new ZoneError(i, name, "name", $"'{name}' is used by two zones"));
        if (errors.Count > 0) return (null, errors);
        // All zones together, as the camera file they make (catches what only the whole file shows).
        var layout = Parse(camera, zones, out var whole);
        return whole is not null ? (null, [whole]) : (layout!.Zones, []);
    }

    private static ZoneError? Read(Camera camera, IReadOnlyList<ZoneInput> zones)
    {
        Parse(camera, zones, out var error);
        return error;
    }

    private static CameraLayout? Parse(Camera camera, IReadOnlyList<ZoneInput> zones, out ZoneError? error)
    {
        // JSON is YAML: the zones become a camera file, one zone per line, read by the camera file reader itself.
        string text = "{\n" + $"\"camera\": {JsonSerializer.Serialize(camera.Key)}, \"site\": {JsonSerializer.Serialize(camera.Window.Site.Key)}, " +
                      $"\"window\": {JsonSerializer.Serialize(camera.Window.Name)},\n\"zones\": [\n" +
                      string.Join(",\n", zones.Select(z => JsonSerializer.Serialize(new { name = z.Name?.Trim(), kind = z.Kind, polygon = z.Polygon }, Yaml))) + "\n]}\n";
        try
        {
            error = null;
            return CameraFile.Parse("zones", text);
        }
        catch (ConfigException e)
        {
            string marker = $"'{e.Field}' ";
            int at = e.Message.IndexOf(marker, StringComparison.Ordinal);
            error = new ZoneError(null, null, e.Field, at < 0 ? e.Message : e.Message[(at + marker.Length)..]);
            return null;
        }
    }

    /// <summary>Replaces the camera's zones and writes who changed what to the audit log, in one transaction.</summary>
    public static async Task SaveAsync(DeskVisionDb db, Camera camera, IReadOnlyList<Zone> zones, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var before = camera.Zones.ToDictionary(z => z.Name, z => JsonSerializer.Serialize(new { z.Kind, z.Polygon }));
        var changes = new List<string>();
        foreach (var old in camera.Zones.Where(z => zones.All(n => n.Name != z.Name)).ToList())
        {
            db.CameraZones.Remove(old);
            changes.Add($"removed {old.Name}");
        }
        foreach (var zone in zones)
        {
            var polygon = zone.Polygon.Select(p => new[] { Math.Round(p.X, 4), Math.Round(p.Y, 4) }).ToArray();
            var row = camera.Zones.FirstOrDefault(z => z.Name == zone.Name);
            if (row is null)
            {
                camera.Zones.Add(new CameraZone { Name = zone.Name, Kind = zone.Kind.Name(), Polygon = polygon });
                changes.Add($"added {zone.Name}");
                continue;
            }
            row.Kind = zone.Kind.Name();
            row.Polygon = polygon;
            if (before[zone.Name] != JsonSerializer.Serialize(new { row.Kind, row.Polygon })) changes.Add($"changed {zone.Name}");
        }
        if (changes.Count == 0) return;
        string after = JsonSerializer.Serialize(zones.Select(z => new { name = z.Name, kind = z.Kind.Name(), polygon = z.Polygon.Select(p => new[] { Math.Round(p.X, 4), Math.Round(p.Y, 4) }) }));
        string details = $"{string.Join("; ", changes)} → {after}";
        db.AuditLog.Add(new AuditLogEntry { At = now, Actor = actor, Action = LogAction, Subject = Subject(camera.Key), Details = details.Length > 4000 ? details[..4000] : details });
        await db.SaveChangesAsync(ct);
    }

    public static string ToJson(IEnumerable<CameraZone> zones) =>
        JsonSerializer.Serialize(zones.OrderBy(z => z.Id).Select(z => new ZoneInput(z.Name, z.Kind, z.Polygon)), Web);

    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
}
