using DeskVision.Store;
using DeskVision.Web.Audits;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Schedules;

/// <summary>
/// The one place that turns camera schedules (data in the database) into Hangfire jobs. Recurring jobs have stable
/// ids per camera (<see cref="JobIds"/>) and are replaced in place when a schedule changes; planned audits are rows,
/// each run by one delayed Hangfire job, so "every planned audit ran once" can be checked against the audits.
/// </summary>
public sealed class AuditScheduler(DeskVisionDb db, IRecurringJobManager recurring, IBackgroundJobClient jobs, TimeProvider clock,
    ILogger<AuditScheduler> log)
{
    /// <summary>Puts a camera's schedule on Hangfire (or takes it off); today's remaining plan is redone.</summary>
    public async Task ApplyAsync(string cameraKey, CancellationToken ct)
    {
        var camera = await db.Cameras.Include(c => c.Window).ThenInclude(w => w.Site).FirstAsync(c => c.Key == cameraKey, ct);
        var zone = SiteZone(camera.Window.Site);
        if (!camera.ScheduleEnabled)
        {
            recurring.RemoveIfExists(JobIds.DayPlan(cameraKey));
            recurring.RemoveIfExists(JobIds.EveryMinutes(cameraKey));
            await CancelPlannedAsync(camera.Id, clock.GetUtcNow(), ct);
            log.LogInformation("Camera {Camera}: schedule off", cameraKey);
            return;
        }
        if (camera.EveryMinutes is int minutes and > 0)
        {
            recurring.RemoveIfExists(JobIds.DayPlan(cameraKey));
            await CancelPlannedAsync(camera.Id, clock.GetUtcNow(), ct);
            recurring.AddOrUpdate<CameraAuditJob>(JobIds.EveryMinutes(cameraKey), j => j.RunEveryAsync(cameraKey, null, CancellationToken.None),
                minutes == 1 ? "* * * * *" : $"*/{minutes} * * * *", new RecurringJobOptions { TimeZone = zone });
            log.LogInformation("Camera {Camera}: audit every {Minutes} min", cameraKey, minutes);
            return;
        }
        recurring.RemoveIfExists(JobIds.EveryMinutes(cameraKey));
        // Plan each day shortly after midnight, in the hall's own time zone.
        recurring.AddOrUpdate<AuditScheduler>(JobIds.DayPlan(cameraKey), s => s.PlanTodayAsync(cameraKey, CancellationToken.None),
            "5 0 * * *", new RecurringJobOptions { TimeZone = zone });
        await PlanTodayAsync(cameraKey, ct);
    }

    /// <summary>Plans the rest of today for one camera, replacing whatever of today's plan has not run yet.</summary>
    public async Task<int> PlanTodayAsync(string cameraKey, CancellationToken ct)
    {
        var camera = await db.Cameras.Include(c => c.Window).ThenInclude(w => w.Site).FirstAsync(c => c.Key == cameraKey, ct);
        var site = camera.Window.Site;
        var zone = SiteZone(site);
        var now = clock.GetUtcNow();
        var localNow = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        var day = DateOnly.FromDateTime(localNow);
        await CancelPlannedAsync(camera.Id, now, ct);

        var times = AuditPlanner.PlanDay(day, OpeningHours.Parse(site.OpeningHours), site.Holidays, camera.InspectionBands,
            camera.SpotChecksPerDay, camera.BurstSize, TimeSpan.FromSeconds(camera.BurstIntervalSeconds), Random.Shared, notBefore: localNow);
        var due = times.Select(t => (At: new DateTimeOffset(t.Local, zone.GetUtcOffset(t.Local)), t.Kind, t.BurstIndex)).ToList();
        int planned = await PlanAsync(camera.Id, day, due, ct);
        log.LogInformation("Camera {Camera}: {Count} snapshot(s) planned for {Day}", cameraKey, planned, day);
        return planned;
    }

    /// <summary>Audit this camera now (a manager's spot check): one burst starting at once.</summary>
    public async Task<long> AuditNowAsync(string cameraKey, CancellationToken ct)
    {
        var camera = await db.Cameras.FirstAsync(c => c.Key == cameraKey, ct);
        var now = clock.GetUtcNow();
        var burst = Enumerable.Range(0, Math.Max(1, camera.BurstSize))
            .Select(b => (now + b * TimeSpan.FromSeconds(camera.BurstIntervalSeconds), PlannedAuditKinds.Manual, b)).ToList();
        await PlanAsync(camera.Id, DateOnly.FromDateTime(now.UtcDateTime), burst, ct);
        return await db.PlannedAudits.Where(p => p.CameraId == camera.Id && p.Kind == PlannedAuditKinds.Manual && p.BurstIndex == 0)
            .OrderByDescending(p => p.Id).Select(p => p.Id).FirstAsync(ct);
    }

    /// <summary>Stores the planned snapshots and gives each its delayed Hangfire job.</summary>
    public async Task<int> PlanAsync(int cameraId, DateOnly day, IReadOnlyList<(DateTimeOffset At, string Kind, int BurstIndex)> times, CancellationToken ct)
    {
        var rows = times.Select(t => new PlannedAudit { CameraId = cameraId, Day = day, Kind = t.Kind, DueAt = t.At.ToUniversalTime(), BurstIndex = t.BurstIndex }).ToList();
        db.PlannedAudits.AddRange(rows);
        await db.SaveChangesAsync(ct); // ids first: the burst frames point at their first frame, the jobs at their row
        PlannedAudit? first = null;
        foreach (var row in rows)
        {
            if (row.BurstIndex == 0) first = row;
            else if (first is not null) row.BurstOf = first.Id;
            long id = row.Id;
            row.HangfireJobId = row.DueAt <= clock.GetUtcNow()
                ? jobs.Enqueue<CameraAuditJob>(j => j.RunPlannedAsync(id, CancellationToken.None))
                : jobs.Schedule<CameraAuditJob>(j => j.RunPlannedAsync(id, CancellationToken.None), row.DueAt);
        }
        await db.SaveChangesAsync(ct);
        return rows.Count;
    }

    private async Task CancelPlannedAsync(int cameraId, DateTimeOffset from, CancellationToken ct)
    {
        var pending = await db.PlannedAudits
            .Where(p => p.CameraId == cameraId && p.State == PlannedAuditStates.Planned && p.DueAt > from && p.Kind != PlannedAuditKinds.Manual)
            .ToListAsync(ct);
        foreach (var p in pending)
        {
            p.State = PlannedAuditStates.Cancelled;
            if (p.HangfireJobId is not null) jobs.Delete(p.HangfireJobId);
        }
        await db.SaveChangesAsync(ct);
    }

    public static TimeZoneInfo SiteZone(Site site) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(site.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;
}

/// <summary>Stable Hangfire recurring job ids, one of each kind per camera.</summary>
public static class JobIds
{
    public static string DayPlan(string cameraKey) => $"plan-day:{cameraKey}";
    public static string EveryMinutes(string cameraKey) => $"audit-every:{cameraKey}";
}
