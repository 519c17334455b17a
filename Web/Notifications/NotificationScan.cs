using DeskVision.Store;
using DeskVision.Web.Insights;
using DeskVision.Web.Reports;
using DeskVision.Web.Resources;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Notifications;

/// <summary>
/// Finds what a hall's webhooks should hear about and queues one <see cref="WebhookSender"/> job per message and webhook:
/// major violations just found, violations still open past the rectification deadline (<c>DESKVISION_RECTIFY_MINUTES</c>,
/// default 60), cameras gone offline. Runs every minute (a Hangfire recurring job) and right after an audit that found a
/// major violation. What was sent is written to the audit log (actor <c>notifications</c>), which is also how nothing is
/// sent twice; only sites with an enabled webhook are looked at.
/// </summary>
public sealed class NotificationScan(DeskVisionDb db, IBackgroundJobClient jobs, IConfiguration config, TimeProvider clock, ILogger<NotificationScan> log)
{
    public const string RecurringId = "notify-scan", Actor = "notifications";
    public const string MajorAction = "notify." + NoticeEvents.MajorViolation, OverdueAction = "notify." + NoticeEvents.Overdue,
        OfflineAction = "notify." + NoticeEvents.CameraOffline;
    /// <summary>Violations older than this are not announced (no flood of old news when webhooks are first set up).</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(2);
    public const int MaxPerScan = 50;

    public TimeSpan Deadline => TimeSpan.FromMinutes(int.TryParse(config["DESKVISION_RECTIFY_MINUTES"], out int m) && m > 0 ? m : 60);

    /// <summary>Puts the scan on the Hangfire schedule (every minute); does nothing where Hangfire is not set up.</summary>
    public static void Schedule(IServiceProvider services) =>
        services.GetService<IRecurringJobManager>()?.AddOrUpdate<NotificationScan>(RecurringId, s => s.ScanAsync(CancellationToken.None), Cron.Minutely());

    /// <returns>The number of messages queued.</returns>
    [DisableConcurrentExecution(timeoutInSeconds: 120)]
    [AutomaticRetry(Attempts = 0)] // the next minute's scan picks up whatever this one missed
    public async Task<int> ScanAsync(CancellationToken ct)
    {
        var hooks = await db.SiteWebhooks.AsNoTracking().Where(h => h.Enabled).ToListAsync(ct);
        if (hooks.Count == 0) return 0;
        var now = clock.GetUtcNow();
        var t = Text.In("zh");
        string? publicUrl = config["DESKVISION_PUBLIC_URL"]?.TrimEnd('/');
        int queued = 0;
        foreach (var siteHooks in hooks.GroupBy(h => h.SiteId))
        {
            var site = await db.Sites.AsNoTracking().FirstOrDefaultAsync(s => s.Id == siteHooks.Key, ct);
            if (site is null) continue;
            var time = Views.HallTime.Of(site, clock);
            var notices = new List<(Notice Notice, AuditLogEntry Record)>();

            var since = now - Lookback;
            var found = db.AuditViolations.AsNoTracking()
                .Where(v => v.Audit.Camera.Window.SiteId == site.Id && v.Audit.Status == AuditStatuses.Ok && v.Audit.TakenAt >= since
                            && (v.Appeal == null || v.Appeal.Outcome != AppealOutcomes.Overturned));
            var majors = await found.Where(v => v.Clause.Severity == "major"
                                                && !db.AuditLog.Any(e => e.Action == MajorAction && e.Subject == "violation:" + v.Id.ToString()))
                .OrderBy(v => v.Id).Take(MaxPerScan).Select(Facts).ToListAsync(ct);
            var overdueBefore = now - Deadline;
            var overdue = await found.Where(v => v.ClosedAt == null && v.Audit.TakenAt < overdueBefore
                                                 && !db.AuditLog.Any(e => e.Action == OverdueAction && e.Subject == "violation:" + v.Id.ToString()))
                .OrderBy(v => v.Id).Take(MaxPerScan).Select(Facts).ToListAsync(ct);
            foreach (var (facts, evt) in majors.Select(f => (f, NoticeEvents.MajorViolation)).Concat(overdue.Select(f => (f, NoticeEvents.Overdue))))
            {
                var onDuty = await ViolationApi.OnDutyAsync(db, facts.WindowId, facts.TakenAt, ct);
                var lines = new List<(string, string)>
                {
                    (t["Notify.Clause"], $"{facts.TitleZh}（{facts.Clause}）"), (t["Notify.Window"], facts.Window), (t["Notify.Site"], site.Name),
                    (t["Notify.Time"], time.Format(facts.TakenAt)), (t["Notify.OnDuty"], onDuty?.Name ?? Rollups.NoOneOnRoster), (t["Notify.Zone"], facts.Zone),
                };
                if (evt == NoticeEvents.Overdue) lines.Add((t["Notify.OpenFor"], time.Since(facts.TakenAt, t)));
                var notice = new Notice(evt, site.Key, site.Name,
                    evt == NoticeEvents.MajorViolation ? t.F("Notify.MajorTitle", facts.Window) : t.F("Notify.OverdueTitle", facts.Window),
                    lines, now, publicUrl is null ? null : $"{publicUrl}/review/{facts.AuditId}",
                    new Dictionary<string, object?>
                    {
                        ["violation"] = facts.Id, ["audit"] = facts.AuditId, ["clause"] = facts.Clause, ["severity"] = facts.Severity, ["window"] = facts.Window,
                        ["zone"] = facts.Zone, ["takenAt"] = facts.TakenAt, ["onDuty"] = onDuty?.Name, ["points"] = facts.Points,
                    });
                notices.Add((notice, new AuditLogEntry
                {
                    At = now, Actor = Actor, Action = evt == NoticeEvents.MajorViolation ? MajorAction : OverdueAction, Subject = $"violation:{facts.Id}",
                    Details = $"{facts.Window}: {facts.Clause} → {siteHooks.Count()} webhook(s)",
                }));
            }

            var offline = await db.Cameras.AsNoTracking()
                .Where(c => c.Window.SiteId == site.Id && c.OfflineSince != null
                            && !db.AuditLog.Any(e => e.Action == OfflineAction && e.Subject == "camera:" + c.Key && e.At >= c.OfflineSince))
                .Select(c => new { c.Key, Window = c.Window.Name, c.OfflineSince, c.LastFailure, c.ConsecutiveFailures }).ToListAsync(ct);
            foreach (var c in offline)
            {
                var notice = new Notice(NoticeEvents.CameraOffline, site.Key, site.Name, t.F("Notify.OfflineTitle", c.Window),
                    [(t["Notify.Camera"], c.Key), (t["Notify.Window"], c.Window), (t["Notify.Site"], site.Name), (t["Notify.Since"], time.Format(c.OfflineSince!.Value)),
                     (t["Notify.Reason"], c.LastFailure ?? "")],
                    now, publicUrl is null ? null : $"{publicUrl}/cameras",
                    new Dictionary<string, object?> { ["camera"] = c.Key, ["window"] = c.Window, ["offlineSince"] = c.OfflineSince, ["failures"] = c.ConsecutiveFailures, ["reason"] = c.LastFailure });
                notices.Add((notice, new AuditLogEntry { At = now, Actor = Actor, Action = OfflineAction, Subject = $"camera:{c.Key}", Details = $"{c.Window}: {c.LastFailure}" }));
            }

            foreach (var (notice, record) in notices)
            {
                foreach (var hook in siteHooks)
                {
                    string payload = WebhookPayloads.Build(hook.Format, notice);
                    jobs.Enqueue<WebhookSender>(s => s.SendAsync(hook.Id, payload, CancellationToken.None));
                    queued++;
                }
                db.AuditLog.Add(record);
            }
            await db.SaveChangesAsync(ct);
            if (notices.Count > 0) log.LogInformation("Site {Site}: {Notices} notice(s) queued for {Hooks} webhook(s)", site.Key, notices.Count, siteHooks.Count());
        }
        return queued;
    }

    private sealed record ViolationFacts(long Id, long AuditId, int WindowId, string Window, DateTimeOffset TakenAt, string Clause, string TitleZh,
        string Severity, string Zone, double Points);

    private static readonly System.Linq.Expressions.Expression<Func<AuditViolation, ViolationFacts>> Facts = v => new ViolationFacts(
        v.Id, v.AuditId, v.Audit.Camera.WindowId, v.Audit.Camera.Window.Name, v.Audit.TakenAt, v.Clause.Key, v.Clause.TitleZh, v.Clause.Severity, v.ZoneName, v.Points);

    /// <summary>
    /// Called right after an audit is stored: if it found a major violation at a site with a webhook, the scan runs now
    /// rather than at the next minute. Never fails the audit: without Hangfire (the CLI, tests) the minute's scan does it.
    /// </summary>
    public static async Task AfterAuditAsync(DeskVisionDb db, long auditId, CancellationToken ct)
    {
        bool wanted = await db.AuditViolations.AnyAsync(v => v.AuditId == auditId && v.Clause.Severity == "major"
            && db.SiteWebhooks.Any(h => h.Enabled && h.SiteId == v.Audit.Camera.Window.SiteId), ct);
        if (!wanted) return;
        try { new BackgroundJobClient().Enqueue<NotificationScan>(s => s.ScanAsync(CancellationToken.None)); }
        catch (InvalidOperationException) { } // no job storage in this process
    }
}
