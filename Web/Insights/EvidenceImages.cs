using DeskVision.Store;
using DeskVision.Web.Accounts;
using DeskVision.Web.Audits;
using Microsoft.EntityFrameworkCore;
using OpenCvSharp;

namespace DeskVision.Web.Insights;

/// <summary>
/// Evidence pictures for whoever may see the audit (the <see cref="Visibility"/> filter: a staff member only their own):
/// the whole stored snapshot, and a violation's crop with its box drawn, for the "my desk" page. Stored snapshots have
/// faces blurred already.
/// </summary>
public static class EvidenceImages
{
    public static void MapEvidenceImages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/evidence").RequireAuthorization(Policies.SignedIn);
        group.MapGet("/audits/{id:long}", Snapshot);
        group.MapGet("/audits/{id:long}/marked.png", Marked);
        group.MapGet("/violations/{id:long}", Crop);
    }

    private static async Task<IResult> Snapshot(long id, CurrentUser user, DeskVisionDb db, EvidenceFolder evidence, CancellationToken ct)
    {
        string? relative = await db.Audits.AsNoTracking().VisibleTo(user, db).Where(a => a.Id == id).Select(a => a.SnapshotPath).FirstOrDefaultAsync(ct);
        string? path = evidence.Resolve(relative);
        return path is null ? Results.NotFound() : Results.File(path, path.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/jpeg");
    }

    /// <summary>The snapshot with its boxes and labels drawn, as a PNG to download (in the reader's language).</summary>
    private static async Task<IResult> Marked(long id, CurrentUser user, Resources.Text t, DeskVisionDb db, EvidenceFolder evidence, CancellationToken ct)
    {
        var audit = await db.Audits.AsNoTracking().VisibleTo(user, db).Include(a => a.Violations).ThenInclude(v => v.Clause).Include(a => a.Violations).ThenInclude(v => v.Appeal)
            .Include(a => a.Detections).Include(a => a.Camera).ThenInclude(c => c.Zones).AsSplitQuery().FirstOrDefaultAsync(a => a.Id == id, ct);
        string? path = evidence.Resolve(audit?.SnapshotPath);
        if (audit is null || path is null) return Results.NotFound();
        double threshold = await EvidenceMarks.OperatingThresholdAsync(db, audit.StandardVersionId, ct);
        byte[]? png = EvidencePicture.Render(path, EvidenceMarks.Of(audit, t, threshold), audit.Camera.Zones.Select(z => (z.Name, z.Polygon)).ToList());
        return png is null ? Results.NotFound() : Results.File(png, "image/png", $"deskvision-audit-{id}.png");
    }

    private static async Task<IResult> Crop(long id, CurrentUser user, DeskVisionDb db, EvidenceFolder evidence, CancellationToken ct)
    {
        var v = await db.AuditViolations.AsNoTracking().VisibleTo(user, db).Where(x => x.Id == id)
            .Select(x => new { x.Audit.SnapshotPath, x.X1, x.Y1, x.X2, x.Y2 }).FirstOrDefaultAsync(ct);
        string? path = evidence.Resolve(v?.SnapshotPath);
        if (v is null || path is null) return Results.NotFound();
        byte[]? jpeg = CropWithBox(path, v.X1, v.Y1, v.X2, v.Y2);
        return jpeg is null ? Results.NotFound() : Results.File(jpeg, "image/jpeg");
    }

    /// <summary>The box with some of its surroundings (so a person sees where on the desk it is), the box outlined in red.</summary>
    public static byte[]? CropWithBox(string path, float x1, float y1, float x2, float y2)
    {
        using var image = Cv2.ImRead(path, ImreadModes.Color);
        if (image.Empty()) return null;
        int w = image.Width, h = image.Height;
        var box = Rect.FromLTRB(Math.Clamp((int)x1, 0, w - 1), Math.Clamp((int)y1, 0, h - 1), Math.Clamp((int)x2, 1, w), Math.Clamp((int)y2, 1, h));
        if (box.Width <= 0 || box.Height <= 0) box = new Rect(0, 0, w, h);
        int padX = Math.Max(box.Width, Math.Max(80, w / 8)), padY = Math.Max(box.Height, Math.Max(60, h / 8));
        var view = Rect.FromLTRB(Math.Max(0, box.Left - padX), Math.Max(0, box.Top - padY), Math.Min(w, box.Right + padX), Math.Min(h, box.Bottom + padY));
        using var crop = new Mat(image, view).Clone();
        Cv2.Rectangle(crop, new Rect(box.X - view.X, box.Y - view.Y, box.Width, box.Height), new Scalar(53, 57, 229), Math.Max(2, view.Width / 160));
        if (crop.Width > 480)
        {
            using var small = new Mat();
            Cv2.Resize(crop, small, new Size(480, (int)Math.Round(crop.Height * 480.0 / crop.Width)), 0, 0, InterpolationFlags.Area);
            return small.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 85));
        }
        return crop.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 85));
    }
}
