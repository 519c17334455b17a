using DeskVision.Web.Audits;
using DeskVision.Web.Notifications;
using Hangfire;

namespace DeskVision.Web.Hosting;

/// <summary>
/// The recurring jobs that are not a camera's, all in one place; a camera's own (its day plan, its "every N minutes")
/// are put on the schedule with the camera, by <see cref="Schedules.AuditScheduler"/>.
/// </summary>
public static class RecurringJobs
{
    public const string EvidenceRetentionId = "evidence-retention";

    public static void Register(IServiceProvider services, DeskVisionSettings settings)
    {
        var recurring = services.GetRequiredService<IRecurringJobManager>();
        // Once a night: evidence pictures past the retention period go (DESKVISION_RETENTION_DAYS, default 90).
        var keep = settings.EvidenceRetention;
        recurring.AddOrUpdate<EvidenceRetention>(EvidenceRetentionId, r => r.PurgeAsync(keep, CancellationToken.None), "30 2 * * *");
        // Every minute: what the halls' webhooks should hear about.
        recurring.AddOrUpdate<NotificationScan>(NotificationScan.RecurringId, s => s.ScanAsync(CancellationToken.None), Cron.Minutely());
    }
}
