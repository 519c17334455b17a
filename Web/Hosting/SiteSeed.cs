using DeskVision.Scoring;
using DeskVision.Store;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Hosting;

/// <summary>
/// Loads a site folder (<c>site.yaml</c> + <c>cameras/*.yaml</c>) into the database and puts its cameras on the
/// Hangfire schedule. Run at start-up for the demo site; running it again updates, never duplicates.
/// </summary>
public sealed class SiteSeed(DeskVisionDb db, AuditWriter writer, Schedules.AuditScheduler scheduler, ILogger<SiteSeed> log)
{
    public async Task<IReadOnlyList<string>> LoadAsync(string folder, CancellationToken ct)
    {
        var site = ConfigNode.Load(Path.Combine(folder, "site.yaml"));
        site.RejectUnknown("site", "name", "time_zone", "opening_hours", "holidays", "staff", "schedule");
        string key = site.String("site");
        var cameras = Directory.EnumerateFiles(Path.Combine(folder, "cameras"), "*.yaml").Order().Select(CameraFile.Load).ToList();
        foreach (var c in cameras.Where(c => c.Site != key))
            throw site.Error("site", $"is '{key}' but camera '{c.CameraKey}' says site '{c.Site}'");

        var keys = new List<string>();
        foreach (var camera in cameras)
        {
            await writer.EnsureCameraAsync(camera, ct);
            keys.Add(camera.CameraKey);
        }
        var row = await db.Sites.FirstAsync(s => s.Key == key, ct);
        row.Name = site.String("name");
        row.TimeZone = site.OptionalString("time_zone") ?? row.TimeZone;
        row.OpeningHours = site.OptionalString("opening_hours") ?? row.OpeningHours;
        try { Schedules.OpeningHours.Parse(row.OpeningHours); }
        catch (FormatException e) { throw site.Error("opening_hours", e.Message); }
        row.Holidays = site.Strings("holidays", required: false)
            .Select(d => DateOnly.TryParse(d, System.Globalization.CultureInfo.InvariantCulture, out var day) ? day : throw site.Error("holidays", $"'{d}' is not a date like 2026-10-01"))
            .ToList();
        var schedule = site.Section("schedule");
        foreach (var s in site.Entries("staff", (e, i) => $"staff[{i}]", required: false))
        {
            string name = s.String("name");
            string? windowName = s.OptionalString("window");
            int? windowId = windowName is null ? null
                : await db.Windows.Where(w => w.SiteId == row.Id && w.Name == windowName).Select(w => (int?)w.Id).FirstOrDefaultAsync(ct)
                  ?? throw s.Error("window", $"'{windowName}' is not a window of any camera of site '{key}'");
            var staff = await db.Staff.FirstOrDefaultAsync(x => x.SiteId == row.Id && x.Name == name, ct)
                ?? db.Staff.Add(new Staff { SiteId = row.Id, Name = name }).Entity;
            staff.WindowId = windowId;
        }
        await db.SaveChangesAsync(ct);

        foreach (string key2 in keys)
        {
            if (schedule is not null) await ApplyScheduleAsync(key2, schedule, ct);
            await scheduler.ApplyAsync(key2, ct);
        }
        log.LogInformation("Site {Site}: {Cameras} camera(s) loaded and scheduled", key, keys.Count);
        return keys;
    }

    /// <summary>The site file's <c>schedule:</c> applies to all its cameras; the API edits them one by one later.</summary>
    private async Task ApplyScheduleAsync(string cameraKey, ConfigNode schedule, CancellationToken ct)
    {
        schedule.RejectUnknown("every_minutes", "inspection_bands", "spot_checks_per_day", "burst_size", "burst_interval_seconds");
        var camera = await db.Cameras.FirstAsync(c => c.Key == cameraKey, ct);
        camera.EveryMinutes = schedule.Has("every_minutes") ? (int)schedule.Number("every_minutes", 1, 1440) : null;
        camera.InspectionBands = schedule.OptionalString("inspection_bands") ?? camera.InspectionBands;
        camera.SpotChecksPerDay = (int)schedule.Number("spot_checks_per_day", 0, 100, camera.SpotChecksPerDay);
        camera.BurstSize = (int)schedule.Number("burst_size", 1, 10, camera.BurstSize);
        camera.BurstIntervalSeconds = (int)schedule.Number("burst_interval_seconds", 1, 600, camera.BurstIntervalSeconds);
        await db.SaveChangesAsync(ct);
    }
}
