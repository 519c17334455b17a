using DeskVision.Audits;
using DeskVision.Store;
using DeskVision.Web.Resources;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Models;

/// <summary>
/// The nightly per-site training job (Hangfire, <c>training</c> queue): when at least <c>training.min_new_frames</c>
/// frames were marked done since the site's last version, export the done frames, train from the current model,
/// judge the candidate against the current one on the held-back frames, promote or reject it.
/// </summary>
public static partial class NightlyTraining
{
    public const string Queue = "training";

    public static string JobId(string siteKey) => $"train-site:{siteKey}";

    /// <summary>Training frames (not held back) marked done since the site's last version was made.</summary>
    public static async Task<(int NewFrames, int Needed, DateTimeOffset? Since)> NewFramesAsync(DeskVisionDb db, int siteId, CancellationToken ct)
    {
        int needed = await db.SiteTraining.Where(s => s.SiteId == siteId).Select(s => (int?)s.MinNewFrames).FirstOrDefaultAsync(ct) ?? SiteTraining.DefaultMinNewFrames;
        var since = await db.DetectorModels.Where(m => m.SiteId == siteId).MaxAsync(m => (DateTimeOffset?)m.CreatedAt, ct);
        int count = await db.LabelledFrames.CountAsync(f => f.Camera.Window.SiteId == siteId && f.DoneAt != null && !f.HeldBack && (since == null || f.DoneAt > since), ct);
        return (count, needed, since);
    }

    /// <summary>What the /models page says about the next training run.</summary>
    public static async Task<string> ProgressAsync(DeskVisionDb db, int siteId, Text t, CancellationToken ct)
    {
        var (count, needed, _) = await NewFramesAsync(db, siteId, ct);
        int heldBack = await db.LabelledFrames.CountAsync(f => f.Camera.Window.SiteId == siteId && f.DoneAt != null && f.HeldBack, ct);
        return t.F("Models.Progress", count, needed, heldBack);
    }
}
