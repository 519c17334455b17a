using DeskVision.Ingest;
using DeskVision.Scoring;
using DeskVision.Store;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DeskVision.Audits;

/// <summary>
/// A configured camera's audit: take a snapshot from its source, audit it, store it (<see cref="Auditor"/>). A snapshot
/// that cannot be had is stored as a failed audit with the reason, and the camera's health is updated; a database that
/// is away throws, and the job running this retries. The run key (the planned audit's id, or the job's id) makes a
/// retry store the audit once.
/// </summary>
public sealed class CameraAudit(DeskVisionDb db, AuditPipeline pipeline, AuditWriter writer, EvidenceFolder evidence, CurrentStandard standards, ReferencePictures references,
    CameraSources sources, ILogger<CameraAudit> log)
{
    /// <summary>Failures in a row after which a camera is shown offline.</summary>
    public const int OfflineAfter = 3;

    /// <summary>The camera with what its audit needs: window, site, zones and reference pictures.</summary>
    public async Task<Camera> LoadCameraAsync(System.Linq.Expressions.Expression<Func<Camera, bool>> which, CancellationToken ct) =>
        await db.Cameras.Include(c => c.Window).ThenInclude(w => w.Site).Include(c => c.Zones).Include(c => c.References).FirstOrDefaultAsync(which, ct)
        ?? throw new InvalidOperationException("camera is not configured (removed since the job was planned?)");

    /// <param name="given">A picture posted for the camera (<see cref="UploadedPicture"/>), audited instead of asking its source;
    /// it is not checked for a frozen image, nor judged with earlier frames.</param>
    /// <param name="mayReuse">An unchanged scene may reuse an earlier snapshot's detections (burst frames, spot checks).</param>
    /// <returns>The audit's id, and whether it was judged now (false: failed to snapshot, or stored by an earlier try).</returns>
    public async Task<(long Id, bool Judged)> AuditAsync(Camera camera, string runKey, long? plannedId, CancellationToken ct, UploadedPicture? given = null, bool mayReuse = false)
    {
        long? done = await db.Audits.Where(a => a.RunKey == runKey).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct);
        if (done is not null) return (done.Value, false); // a retry after the audit was stored

        // The version published last, asked now: an admin's new version applies from the next audit, in every worker.
        var (standard, standardId) = await standards.GetAsync(db, ct);
        var now = DateTimeOffset.UtcNow;
        Snapshot snapshot;
        try
        {
            snapshot = given is not null ? await given.TakeAsync(camera.Key, now, ct) : await sources.TakeAsync(camera, now, ct);
            if (given is null) FrameCheck.ThrowIfFrozen(snapshot.Image, camera.LastSnapshotHash);
        }
        catch (BadSnapshotException e)
        {
            log.LogWarning("Camera {Camera}: no snapshot: {Reason}", camera.Key, e.Message);
            MarkFailure(camera, now, e.Message);
            var failed = AuditResult.Failed(camera.Key, now, e.Message, pipeline.ModelId, standard.Version);
            return (await writer.SaveAsync(failed, camera.Id, standardId, camera.Source is null ? null : CameraUrl.Redact(camera.Source), null, runKey, ct, plannedId), false);
        }

        var earlier = given is null ? await EarlierFramesAsync(camera, plannedId, now, standard, ct) : [];
        var (layout, viewTakenAt) = references.InUse(camera, CameraFiles.Complete(camera.ToLayout()));
        var seen = mayReuse && layout.Unchanged.Enabled ? await SeenBeforeAsync(camera, layout.Unchanged, now, ct) : null;
        var (id, result, _) = await new Auditor(pipeline, writer, evidence).RunAsync(new AuditRun(snapshot, layout, camera.Id, standard, standardId)
        {
            Earlier = earlier, Seen = seen, RunKey = runKey, PlannedAuditId = plannedId, Judged = judged => RecordHealth(camera, judged, snapshot, viewTakenAt, now),
        }, ct);
        log.LogInformation("Camera {Camera}: audit {AuditId} {Status} score {Score} with {Violations} violation(s); detections reused from {ReusedFrom}",
            camera.Key, id, result.Status, result.Score, result.Violations.Count, result.DetectionsReusedFrom);
        return (id, true);
    }

    // The writer's SaveChanges stores these with the audit, in the same transaction.
    private void RecordHealth(Camera camera, AuditResult result, Snapshot snapshot, DateTimeOffset? viewTakenAt, DateTimeOffset now)
    {
        camera.LastSnapshotHash = FrameCheck.Hash(snapshot.Image);
        if (result.CameraMoved && ReferencePictures.MarkMoved(camera, viewTakenAt, now, result.FailureReason!))
            log.LogWarning("Camera {Camera}: moved off its reference view; its reference pictures are stale until taken again: {Reason}", camera.Key, result.FailureReason);
        // An unreliable picture still came from a working camera: it is not counted towards offline, but its reason is shown.
        if (result.Status == AuditStatus.Ok) MarkSuccess(camera, now);
        else if (result.Status == AuditStatus.Unreliable) { MarkSuccess(camera, now); camera.LastFailure = result.FailureReason; }
        else MarkFailure(camera, now, result.FailureReason!);
    }

    /// <summary>
    /// The frames before this one that the rules over several snapshots look at, oldest first: the earlier frames of the
    /// same burst for a planned audit, the camera's last audits for an every-N-minutes camera. Only the unbroken run of
    /// judged frames counts: a failed or unreliable frame in between means nobody knows what the window looked like then.
    /// </summary>
    private async Task<IReadOnlyList<Scoring.Frame>> EarlierFramesAsync(Camera camera, long? plannedId, DateTimeOffset now, Standard standard, CancellationToken ct)
    {
        int need = standard.LongestRun - 1;
        if (need <= 0) return [];
        IQueryable<Audit> before;
        if (plannedId is long id)
        {
            var plan = await db.PlannedAudits.AsNoTracking().FirstAsync(p => p.Id == id, ct);
            long burst = plan.BurstOf ?? plan.Id;
            var planIds = db.PlannedAudits.Where(p => (p.Id == burst || p.BurstOf == burst) && p.BurstIndex < plan.BurstIndex).Select(p => (long?)p.Id);
            before = db.Audits.Where(a => planIds.Contains(a.PlannedAuditId));
        }
        else if (camera.EveryMinutes is int minutes)
        {
            // Consecutive only if they came on schedule: a gap of more than one and a half periods breaks the run.
            var since = now - TimeSpan.FromMinutes(minutes * (need + 0.5));
            before = db.Audits.Where(a => a.CameraId == camera.Id && a.TakenAt >= since && a.TakenAt < now);
        }
        else return [];

        var audits = await before.AsNoTracking().Include(a => a.Detections)
            .OrderByDescending(a => a.TakenAt).Take(need).ToListAsync(ct);
        var run = audits.TakeWhile(a => a.Status == AuditStatuses.Ok).Reverse();
        return run.Select(a => new Scoring.Frame(
            a.Detections.Select(d => new Detection(d.Label, d.ClassId, d.Confidence, new Box(d.X1, d.Y1, d.X2, d.Y2))).ToList(),
            a.ImageWidth, a.ImageHeight)).ToList();
    }

    /// <summary>
    /// The camera's latest audit the model ran on (it kept a zone thumbnail), recent enough to compare with, by the same
    /// model: another model's detections are not this one's. Its model objects only: the reference checks run again.
    /// </summary>
    private async Task<SeenBefore?> SeenBeforeAsync(Camera camera, SkipUnchanged limits, DateTimeOffset now, CancellationToken ct)
    {
        var since = now - TimeSpan.FromMinutes(limits.MaxAgeMinutes);
        var last = await db.Audits.AsNoTracking()
            .Where(a => a.CameraId == camera.Id && a.TakenAt >= since && a.TakenAt <= now && a.Status == AuditStatuses.Ok
                && a.ZoneSignature != null && a.ModelId == pipeline.ModelId)
            .OrderByDescending(a => a.TakenAt)
            .Select(a => new { a.Id, a.ZoneSignature, Objects = a.Detections.Where(d => d.ClassId >= 0).ToList() })
            .FirstOrDefaultAsync(ct);
        return last is null ? null : new SeenBefore(last.Id, last.ZoneSignature!,
            last.Objects.Select(d => new Detection(d.Label, d.ClassId, d.Confidence, new Box(d.X1, d.Y1, d.X2, d.Y2))).ToList());
    }

    private void MarkSuccess(Camera camera, DateTimeOffset now)
    {
        if (camera.OfflineSince is not null) log.LogInformation("Camera {Camera}: back online", camera.Key);
        camera.ConsecutiveFailures = 0;
        camera.OfflineSince = null;
        camera.LastSnapshotAt = now;
        camera.LastFailure = null;
    }

    private void MarkFailure(Camera camera, DateTimeOffset now, string reason)
    {
        camera.ConsecutiveFailures++;
        camera.LastFailure = reason;
        if (camera.ConsecutiveFailures >= OfflineAfter && camera.OfflineSince is null)
        {
            camera.OfflineSince = now;
            log.LogWarning("Camera {Camera}: offline after {Failures} failed snapshots: {Reason}", camera.Key, camera.ConsecutiveFailures, reason);
        }
    }
}

/// <summary>A stored camera's snapshot, from the source its URL names (<see cref="CameraSource"/>), with its password unsealed.</summary>
public sealed class CameraSources(IHttpClientFactory http, IDataProtectionProvider protection)
{
    public const string PasswordPurpose = "DeskVision.CameraPassword";

    public Task<Snapshot> TakeAsync(Camera camera, DateTimeOffset now, CancellationToken ct)
    {
        string source = camera.Source ?? throw new BadSnapshotException("camera has no source configured");
        string? password = camera.PasswordProtected is null ? null : protection.CreateProtector(PasswordPurpose).Unprotect(camera.PasswordProtected);
        return CameraSource.Open(source, camera.User, password, () => http.CreateClient("cameras"), ProjectPaths.Root).TakeAsync(camera.Key, now, ct);
    }
}
