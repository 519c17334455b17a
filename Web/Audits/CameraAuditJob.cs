using DeskVision.Ingest;
using DeskVision.Store;
using Hangfire;
using Hangfire.Server;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Audits;

/// <summary>
/// The Hangfire jobs that audit a camera (<see cref="CameraAudit"/>): a database that is away fails the job, and
/// Hangfire retries it; the run key makes a retry store the audit once. A major violation is notified at once.
/// </summary>
public sealed class CameraAuditJob(DeskVisionDb db, CameraAudit audit)
{
    /// <summary>Failures in a row after which a camera is shown offline.</summary>
    public const int OfflineAfter = CameraAudit.OfflineAfter;

    /// <summary>A planned snapshot (inspection, spot check, burst frame or "audit now").</summary>
    [AutomaticRetry(Attempts = 10, DelaysInSeconds = [2, 5, 10, 20, 30, 60, 120, 120, 300, 300])]
    public async Task<long?> RunPlannedAsync(long plannedAuditId, CancellationToken ct)
    {
        var plan = await db.PlannedAudits.FirstOrDefaultAsync(p => p.Id == plannedAuditId, ct);
        if (plan is null || plan.State == PlannedAuditStates.Cancelled) return null; // the schedule changed since
        var camera = await audit.LoadCameraAsync(c => c.Id == plan.CameraId, ct);
        // The inspection itself and an "audit now" always run the model; the frames after it in a burst and the
        // random spot checks may reuse an unchanged scene's detections.
        bool mayReuse = plan.BurstIndex > 0 || plan.Kind is PlannedAuditKinds.SpotCheck or PlannedAuditKinds.Interval;
        long id = await AuditAsync(camera, $"plan:{plan.Id}", plan.Id, ct, mayReuse: mayReuse);
        plan.State = PlannedAuditStates.Done;
        await db.SaveChangesAsync(ct);
        return id;
    }

    /// <summary>The recurring "every N minutes" audit of demo and soak-test cameras.</summary>
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [2, 5, 10, 30, 60])]
    public async Task<long> RunEveryAsync(string cameraKey, PerformContext? context, CancellationToken ct)
    {
        string runKey = context?.BackgroundJob?.Id is { } jobId ? $"hangfire:{jobId}" : $"adhoc:{Guid.NewGuid():N}";
        var camera = await audit.LoadCameraAsync(c => c.Key == cameraKey, ct);
        return await AuditAsync(camera, runKey, null, ct, mayReuse: true);
    }

    /// <summary>An image posted for a camera (a manual spot check from a phone): audited at once.</summary>
    public async Task<long> RunUploadAsync(string cameraKey, byte[] image, CancellationToken ct)
    {
        var camera = await audit.LoadCameraAsync(c => c.Key == cameraKey, ct);
        return await AuditAsync(camera, $"upload:{Guid.NewGuid():N}", null, ct, new UploadedPicture(image));
    }

    private async Task<long> AuditAsync(Camera camera, string runKey, long? plannedId, CancellationToken ct, UploadedPicture? given = null, bool mayReuse = false)
    {
        var (id, judged) = await audit.AuditAsync(camera, runKey, plannedId, ct, given, mayReuse);
        if (judged) await Notifications.NotificationScan.AfterAuditAsync(db, id, ct); // a major violation at a site with a webhook: notify now
        return id;
    }
}
