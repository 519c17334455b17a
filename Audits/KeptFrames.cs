using DeskVision.Store;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Audits;

/// <summary>
/// <c>training.keep_frames</c>: when a site turns it on, each audit's picture is also kept unblurred in the training
/// folder (under <c>frames/</c>, at the evidence file's own relative path), because a detector trained on blurred heads
/// learns heads it never sees at inference. The labelling page uses it instead of the blurred evidence; the retention
/// job deletes it with the evidence. Off (the default): nothing is kept and the blurred evidence is trained on.
/// </summary>
public sealed class KeptFrames(TrainingFolder training)
{
    public static string? PathFor(string? evidencePath) => string.IsNullOrEmpty(evidencePath) ? null : Path.Combine("frames", evidencePath);

    /// <summary>Called by the camera audit once the audit and its evidence are stored; one small query for the site's setting.</summary>
    public async Task KeepAsync(DeskVisionDb db, int siteId, long auditId, byte[] unblurred, CancellationToken ct)
    {
        if (unblurred.Length == 0 || !await db.SiteTraining.AnyAsync(s => s.SiteId == siteId && s.KeepFrames, ct)) return;
        string? evidencePath = await db.Audits.Where(a => a.Id == auditId).Select(a => a.SnapshotPath).FirstOrDefaultAsync(ct);
        if (PathFor(evidencePath) is not { } relative) return;
        await training.SaveAsync(unblurred, Path.GetDirectoryName(relative)!, Path.GetFileName(relative), ct);
    }

    /// <summary>The kept copy of an evidence picture the retention job deletes; frames labelled on it fall back to nothing (not trainable).</summary>
    public async Task ForgetAsync(DeskVisionDb db, IReadOnlyCollection<string> evidencePaths, CancellationToken ct)
    {
        var kept = evidencePaths.Select(PathFor).OfType<string>().ToList();
        await db.LabelledFrames.Where(f => f.Unblurred && kept.Contains(f.ImagePath!))
            .ExecuteUpdateAsync(f => f.SetProperty(x => x.ImagePath, (string?)null).SetProperty(x => x.Unblurred, false), ct);
        foreach (var path in kept)
            if (training.Resolve(path) is { } file) File.Delete(file);
    }

    /// <summary>Kept frames older than the cutoff that no evidence picture stands beside any more (left by a crash).</summary>
    public int SweepOlderThan(DateTimeOffset cutoff, IReadOnlySet<string> evidencePaths)
    {
        string root = Path.Combine(training.Root, "frames");
        if (!Directory.Exists(root)) return 0;
        int deleted = 0;
        foreach (var file in new DirectoryInfo(root).EnumerateFiles("*", SearchOption.AllDirectories))
            if (file.LastWriteTimeUtc < cutoff.UtcDateTime && !evidencePaths.Contains(Path.GetRelativePath(root, file.FullName))) { file.Delete(); deleted++; }
        return deleted;
    }
}
