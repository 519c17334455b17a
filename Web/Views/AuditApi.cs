using DeskVision.Web.Accounts;
using DeskVision.Store;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Views;

/// <summary>The JSON API for audits.</summary>
public static class AuditApi
{
    public static void MapAuditApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/audits", async (CurrentUser user, DeskVisionDb db, string? camera, int? limit, CancellationToken ct) =>
            await db.Audits.AsNoTracking().VisibleTo(user, db).Where(a => camera == null || a.Camera.Key == camera)
                .OrderByDescending(a => a.TakenAt).Take(Math.Clamp(limit ?? 50, 1, 500))
                .Select(a => new { a.Id, camera = a.Camera.Key, a.TakenAt, a.Status, a.FailureReason, a.Score, violations = a.Violations.Count })
                .ToListAsync(ct));
        api.MapGet("/audits/{id:long}", async (long id, CurrentUser user, DeskVisionDb db, CancellationToken ct) =>
        {
            var a = await db.Audits.AsNoTracking().VisibleTo(user, db).Include(x => x.Camera).ThenInclude(c => c.Window).Include(x => x.StandardVersion)
                .Include(x => x.Violations).ThenInclude(v => v.Clause).Include(x => x.Detections).AsSplitQuery()
                .FirstOrDefaultAsync(x => x.Id == id, ct);
            if (a is null) return Results.NotFound();
            return Results.Ok(new
            {
                a.Id, camera = a.Camera.Key, window = a.Camera.Window.Name, a.TakenAt, a.Status, a.FailureReason, a.Score, a.ModelId,
                standard = a.StandardVersion is null ? null : $"{a.StandardVersion.Version}@{a.StandardVersion.ContentHash}",
                a.ImageWidth, a.ImageHeight, a.DetectionsReusedFrom, a.ChangeNote,
                violations = a.Violations.Select(v => new { clause = v.Clause.Key, v.Clause.TitleZh, zone = v.ZoneName, v.Points, v.Reason, box = new[] { v.X1, v.Y1, v.X2, v.Y2 } }),
                detections = a.Detections.Select(d => new { d.Label, d.ClassId, d.Confidence, box = new[] { d.X1, d.Y1, d.X2, d.Y2 } }),
            });
        });
    }
}
