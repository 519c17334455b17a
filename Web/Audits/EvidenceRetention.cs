using DeskVision.Audits;
using DeskVision.Store;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Audits;

/// <summary>
/// Evidence pictures are personal data: after the retention period they are deleted, except those of violations under
/// appeal (the evidence is needed to decide). The row forgets the path first (committed), then the file goes, so a row
/// never points at a missing file; a crash in between leaves only an unreferenced file, which the next run removes.
/// </summary>
public sealed class EvidenceRetention(DeskVisionDb db, EvidenceFolder evidence, KeptFrames kept, TimeProvider clock, ILogger<EvidenceRetention> log)
{
    public async Task<int> PurgeAsync(TimeSpan keep, CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - keep;
        var expired = await db.Audits
            .Where(a => a.SnapshotPath != null && a.TakenAt < cutoff
                        && !a.Violations.Any(v => v.Appeal != null && v.Appeal.Outcome == null))
            .Select(a => new { a.Id, a.SnapshotPath }).ToListAsync(ct);
        var ids = expired.Select(a => a.Id).ToList();
        await db.Audits.Where(a => ids.Contains(a.Id)).ExecuteUpdateAsync(a => a.SetProperty(x => x.SnapshotPath, (string?)null), ct);

        // The unblurred copies a site keeps for training (training.keep_frames) go with the evidence.
        await kept.ForgetAsync(db, expired.Select(a => a.SnapshotPath!).ToList(), ct);
        int deleted = 0;
        foreach (var a in expired)
            if (evidence.Resolve(a.SnapshotPath) is { } file) { File.Delete(file); deleted++; }

        // Files no row points at any more (left by a crash between the update and the delete) and past the period.
        var referenced = (await db.Audits.Where(a => a.SnapshotPath != null).Select(a => a.SnapshotPath!).ToListAsync(ct))
            .Select(p => Path.GetFullPath(Path.Combine(evidence.Root, p))).ToHashSet();
        if (Directory.Exists(evidence.Root))
            foreach (var file in new DirectoryInfo(evidence.Root).EnumerateFiles("*", SearchOption.AllDirectories))
                if (file.LastWriteTimeUtc < cutoff.UtcDateTime && !referenced.Contains(file.FullName)) { file.Delete(); deleted++; }

        deleted += kept.SweepOlderThan(cutoff, (await db.Audits.Where(a => a.SnapshotPath != null).Select(a => a.SnapshotPath!).ToListAsync(ct)).ToHashSet());
        log.LogInformation("Evidence retention: {Files} picture(s) older than {Days} days deleted", deleted, keep.TotalDays);
        return deleted;
    }
}
