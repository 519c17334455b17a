using DeskVision.Scoring;
using DeskVision.Store;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Hosting;

/// <summary>
/// Loads a site folder (<c>site.yaml</c> + <c>cameras/*.yaml</c>) into the database and puts its cameras on the
/// Hangfire schedule. Run at start-up for the demo site; running it again updates, never duplicates.
/// </summary>
public sealed class SiteSeed(DeskVisionDb db, AuditWriter writer, IRecurringJobManager recurring, ILogger<SiteSeed> log)
{
    public async Task<IReadOnlyList<string>> LoadAsync(string folder, string cron, CancellationToken ct)
    {
        var site = ConfigNode.Load(Path.Combine(folder, "site.yaml"));
        site.RejectUnknown("site", "name", "time_zone", "opening_hours", "staff");
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

        foreach (string camera in keys)
            recurring.AddOrUpdate<Audits.CameraAuditJob>(JobIds.CameraAudit(camera), j => j.RunAsync(camera, null, CancellationToken.None), cron);
        log.LogInformation("Site {Site}: {Cameras} camera(s) loaded and scheduled ({Cron})", key, keys.Count, cron);
        return keys;
    }
}

/// <summary>Stable Hangfire job ids: one recurring audit job per camera, updated in place when its schedule changes.</summary>
public static class JobIds
{
    public static string CameraAudit(string cameraKey) => $"audit:{cameraKey}";
}
