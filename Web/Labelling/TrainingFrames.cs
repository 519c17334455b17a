using DeskVision.Audits;
using System.Security.Cryptography;
using System.Text;
using DeskVision.Store;
using DeskVision.Web.Audits;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Labelling;

/// <summary>A done frame ready for training or judging: its picture on disk and its boxes (negatives left out).</summary>
public sealed record DoneFrame(long Id, string CameraKey, DateTimeOffset TakenAt, bool HeldBack, string ImagePath, int Width, int Height,
    IReadOnlyList<(string ClassName, Box Box)> Boxes);

/// <summary>The site's done frames, read once for export, training and judging models.</summary>
public static class TrainingFrames
{
    /// <summary>
    /// Whether frames of this camera on this day are held back. The split is by camera and day, so near-identical frames
    /// of one camera within a day never straddle it; about one camera-day in five is held back, chosen by a hash so it
    /// never changes. Decided when a frame is made and stored with it.
    /// </summary>
    public static bool IsHeldBack(string cameraKey, DateOnly day) =>
        SHA256.HashData(Encoding.UTF8.GetBytes($"{cameraKey}/{day:yyyy-MM-dd}"))[0] % 5 == 0;

    public static async Task<List<DoneFrame>> LoadAsync(DeskVisionDb db, int siteId, EvidenceFolder evidence, TrainingFolder training,
        bool? heldBack, CancellationToken ct)
    {
        var rows = await db.LabelledFrames.AsNoTracking()
            .Where(f => f.Camera.Window.SiteId == siteId && f.DoneAt != null && (heldBack == null || f.HeldBack == heldBack))
            .OrderBy(f => f.Id)
            .Select(f => new
            {
                f.Id, Camera = f.Camera.Key, f.TakenAt, f.HeldBack, f.ImagePath, Snapshot = f.Audit == null ? null : f.Audit.SnapshotPath, f.Width, f.Height,
                Labels = f.Labels.Where(l => l.Source != LabelSources.Negative).Select(l => new { l.ClassName, l.X1, l.Y1, l.X2, l.Y2 }).ToList(),
            }).ToListAsync(ct);
        var frames = new List<DoneFrame>();
        foreach (var f in rows)
        {
            // A frame whose picture the retention job has deleted is no longer trainable: skipped, not failed.
            string? path = f.ImagePath is not null ? training.Resolve(f.ImagePath) : evidence.Resolve(f.Snapshot);
            if (path is null) continue;
            frames.Add(new DoneFrame(f.Id, f.Camera, f.TakenAt, f.HeldBack, path, f.Width, f.Height,
                f.Labels.Select(l => (l.ClassName, new Box(l.X1, l.Y1, l.X2, l.Y2))).ToList()));
        }
        return frames;
    }
}
