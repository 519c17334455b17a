using System.Text;
using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Web.Accounts;
using DeskVision.Web.Insights;
using DeskVision.Web.Reports;
using DeskVision.Web.Resources;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;
using static DeskVision.Web.Views.Html;

namespace DeskVision.Web.Review;

/// <summary>
/// The review's form posts (the page is <c>Components/Pages/ReviewPage.razor</c>). A manager goes through a window's audits one by one: the snapshot with zones, detections (label, confidence) and
/// violations drawn, each violation confirmed or marked a false positive, then the previous or next audit of the same
/// window. A false positive is an overturned decision (<see cref="Appeals.MarkFalsePositiveAsync"/>): it drops out of
/// every score and joins the detector's false-positive list. Every review is written to the audit log (who, when).
/// </summary>
public static class ReviewPages
{
    public const string ConfirmAction = "violation.confirm", FalsePositiveAction = "violation.false-positive";

    public static string Subject(long violationId) => $"violation:{violationId}";

    public static void MapReview(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/review").RequireAuthorization(Policies.Manager);
        group.MapPost("/violations/{id:long}/confirm", Confirm);
        group.MapPost("/violations/{id:long}/false-positive", FalsePositive);
    }

    /// <summary>The audits just before and after this one at the same window (that the user may see; with violations only, if asked).</summary>
    public static async Task<(long? Previous, long? Next)> NeighboursAsync(DeskVisionDb db, CurrentUser user, Audit a, bool onlyViolations, CancellationToken ct)
    {
        var same = db.Audits.AsNoTracking().VisibleTo(user, db).Where(x => x.Camera.WindowId == a.Camera.WindowId && x.Id != a.Id);
        if (onlyViolations) same = same.Where(x => x.Violations.Any());
        long? previous = await same.Where(x => x.TakenAt < a.TakenAt || (x.TakenAt == a.TakenAt && x.Id < a.Id))
            .OrderByDescending(x => x.TakenAt).ThenByDescending(x => x.Id).Select(x => (long?)x.Id).FirstOrDefaultAsync(ct);
        long? next = await same.Where(x => x.TakenAt > a.TakenAt || (x.TakenAt == a.TakenAt && x.Id > a.Id))
            .OrderBy(x => x.TakenAt).ThenBy(x => x.Id).Select(x => (long?)x.Id).FirstOrDefaultAsync(ct);
        return (previous, next);
    }

    private static async Task<IResult> Confirm(long id, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery, TimeProvider clock, CancellationToken ct)
    {
        if (!await PageParts.ValidTokenAsync(antiforgery, http)) return PageParts.BadToken(t);
        var v = await db.AuditViolations.VisibleTo(user, db).Where(x => x.Id == id).Select(x => new { x.AuditId, x.Clause.Key, x.ZoneName }).FirstOrDefaultAsync(ct);
        if (v is null) return Results.NotFound();
        var form = await http.Request.ReadFormAsync(ct);
        db.AuditLog.Add(new AuditLogEntry
        {
            At = clock.GetUtcNow(), Actor = user.UserName, Action = ConfirmAction, Subject = Subject(id), Details = $"audit {v.AuditId}: {v.Key} in {v.ZoneName}",
        });
        await db.SaveChangesAsync(ct);
        return Results.Redirect(Back(v.AuditId, form["only"], "confirm", null));
    }

    private static async Task<IResult> FalsePositive(long id, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery, TimeProvider clock, CancellationToken ct)
    {
        if (!await PageParts.ValidTokenAsync(antiforgery, http)) return PageParts.BadToken(t);
        var v = await db.AuditViolations.VisibleTo(user, db).Where(x => x.Id == id).Select(x => new { x.AuditId, x.Clause.Key, x.ZoneName }).FirstOrDefaultAsync(ct);
        if (v is null) return Results.NotFound();
        var form = await http.Request.ReadFormAsync(ct);
        string? note = form["note"].ToString() is { Length: > 0 } given ? given[..Math.Min(500, given.Length)] : null;
        // Logged in the same SaveChanges as the decision: both are stored, or neither.
        db.AuditLog.Add(new AuditLogEntry
        {
            At = clock.GetUtcNow(), Actor = user.UserName, Action = FalsePositiveAction, Subject = Subject(id),
            Details = $"audit {v.AuditId}: {v.Key} in {v.ZoneName}{(note is null ? "" : $": {note}")}",
        });
        try
        {
            await new Appeals(db, clock).MarkFalsePositiveAsync(id, user.DisplayName is { Length: > 0 } d ? $"{d} ({user.UserName})" : user.UserName, note, ct);
        }
        catch (RefusedException e) { return Results.Redirect(Back(v.AuditId, form["only"], null, e.Message)); }
        return Results.Redirect(Back(v.AuditId, form["only"], "fp", null));
    }

    private static string Back(long auditId, string? only, string? done, string? problem)
    {
        var query = new List<string>();
        if (only == "violations") query.Add("only=violations");
        if (done is not null) query.Add($"done={done}");
        if (problem is not null) query.Add($"problem={Uri.EscapeDataString(problem)}");
        return $"/review/{auditId}{(query.Count == 0 ? "" : "?" + string.Join('&', query))}#violations";
    }
}
