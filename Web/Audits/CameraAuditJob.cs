using DeskVision.Ingest;
using DeskVision.Scoring;
using DeskVision.Store;
using Hangfire;
using Hangfire.Server;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Audits;

/// <summary>
/// The Hangfire job: take a snapshot from a camera, audit it, store it. A snapshot that cannot be had is stored
/// as a failed audit with the reason; a database that is away fails the job, and Hangfire retries it. The run key
/// (the Hangfire job id) makes a retry store the audit once.
/// </summary>
public sealed class CameraAuditJob(DeskVisionDb db, AuditPipeline pipeline, AuditWriter writer, EvidenceFolder evidence, Standard standard,
    ILogger<CameraAuditJob> log)
{
    public static readonly TimeSpan FolderPeriod = TimeSpan.FromMinutes(1);

    [AutomaticRetry(Attempts = 10, DelaysInSeconds = [5, 10, 20, 30, 60, 60, 120, 120, 300, 300])]
    public async Task<long> RunAsync(string cameraKey, PerformContext? context, CancellationToken ct)
    {
        string runKey = context?.BackgroundJob?.Id is { } jobId ? $"hangfire:{jobId}" : $"adhoc:{Guid.NewGuid():N}";
        var camera = await db.Cameras.Include(c => c.Window).ThenInclude(w => w.Site).Include(c => c.Zones)
            .FirstOrDefaultAsync(c => c.Key == cameraKey, ct)
            ?? throw new InvalidOperationException($"camera '{cameraKey}' is not configured");
        var layout = camera.ToLayout();
        int standardId = await writer.EnsureStandardAsync(standard, ct);

        var now = DateTimeOffset.UtcNow;
        Snapshot snapshot;
        try
        {
            snapshot = await TakeSnapshotAsync(camera, now, ct);
        }
        catch (BadSnapshotException e)
        {
            log.LogWarning("Camera {Camera}: no snapshot: {Reason}", cameraKey, e.Message);
            var failed = AuditResult.Failed(cameraKey, now, e.Message, pipeline.ModelId, standard.Version);
            return await writer.SaveAsync(failed, camera.Id, standardId, camera.Source, null, runKey, ct);
        }

        var result = pipeline.Run(snapshot, layout);
        string? saved = result.Status == AuditStatus.Ok || snapshot.Image.Length > 0 ? await evidence.SaveAsync(snapshot, ct) : null;
        long id = await writer.SaveAsync(result, camera.Id, standardId, snapshot.Source, saved, runKey, ct);
        log.LogInformation("Camera {Camera}: audit {AuditId} {Status} score {Score} with {Violations} violation(s)",
            cameraKey, id, result.Status, result.Score, result.Violations.Count);
        return id;
    }

    private static Task<Snapshot> TakeSnapshotAsync(Camera camera, DateTimeOffset now, CancellationToken ct)
    {
        string source = camera.Source ?? throw new BadSnapshotException("camera has no source configured");
        if (source.StartsWith("folder:", StringComparison.Ordinal))
        {
            string folder = Path.GetFullPath(Path.Combine(ProjectPaths.Root, source["folder:".Length..]));
            return new FolderCamera(folder, FolderPeriod).TakeAsync(camera.Key, now, ct);
        }
        throw new BadSnapshotException($"camera source '{source}' is not supported yet (folder: only)");
    }
}
