using DeskVision.Web.Accounts;
using DeskVision.Web.Views;
using Microsoft.AspNetCore.Antiforgery;
using System.Globalization;
using System.Text;
using DeskVision.Store;
using Microsoft.EntityFrameworkCore;
using static DeskVision.Web.Views.Html;

namespace DeskVision.Web.Reports;

/// <summary>
/// The manager's appeal queue (uphold or overturn, with a note). Plain HTML forms posting back to the app: the page
/// works without script, as the security policy wants. The staff member's own page is <c>StaffAppealsPage</c>.
/// </summary>
public static class AppealPages
{
    public static void MapAppealPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/appeals", AppealQueue).RequireAuthorization(Policies.Manager);
        app.MapPost("/appeals/{id:long}/decision", DecideFromForm).RequireAuthorization(Policies.Manager);
    }

    /// <summary>Forms post with the anti-forgery token; a form without it (another site's page) is refused.</summary>
    private static async Task<bool> ValidFormAsync(HttpContext http, IAntiforgery antiforgery)
    {
        try { await antiforgery.ValidateRequestAsync(http); return true; }
        catch (AntiforgeryValidationException) { return false; }
    }

    private static async Task<IResult> AppealQueue(CurrentUser user, HttpContext http, IAntiforgery antiforgery, DeskVisionDb db, string? message, CancellationToken ct)
    {
        string token = Html.AntiforgeryField(http, antiforgery);
        var appeals = await db.Appeals.AsNoTracking().Where(p => db.AuditViolations.VisibleTo(user, db).Any(v => v.Id == p.ViolationId)).OrderBy(p => p.Outcome != null).ThenByDescending(p => p.FiledAt).Take(200)
            .Select(p => new
            {
                p.Id, p.Violation.AuditId, p.Violation.Audit.TakenAt, Window = p.Violation.Audit.Camera.Window.Name, p.Violation.Clause.TitleZh,
                p.Violation.Clause.Key, p.Violation.Reason, Staff = p.Staff == null ? null : p.Staff.Name, Appeal = p.Reason, p.FiledAt, p.Outcome, p.DecidedBy, p.DecidedAt, p.DecisionNote,
            }).ToListAsync(ct);
        var h = new StringBuilder("<h1>申诉 · Appeals</h1>");
        if (!string.IsNullOrEmpty(message)) h.Append($"<p class=muted>{E(message)}</p>");
        // The false-positive list spans every hall, so it is an admin's (managers would get 403).
        h.Append("<p>Uphold keeps the violation; overturn takes it out of every score and lists it as a detector false positive" +
                 (user.IsAdmin ? " (<a href='/api/false-positives?format=csv'>CSV</a>)" : "") + ". The decision is kept with your name and note.</p>");
        h.Append("<table><tr><th>filed (UTC)</th><th>window</th><th>violation</th><th>staff says</th><th>decision</th></tr>");
        foreach (var p in appeals)
        {
            string decision = p.Outcome is null
                ? $"<form method=post action='/appeals/{p.Id}/decision'>{token}<select name=outcome><option value=upheld>uphold 维持</option><option value=overturned>overturn 撤销</option></select> " +
                  "<input name=note required placeholder='why 理由'> <button>decide</button></form>"
                : $"<b>{E(p.Outcome)}</b> by {E(p.DecidedBy)} {p.DecidedAt:yyyy-MM-dd HH:mm}: {E(p.DecisionNote)}";
            h.Append($"<tr><td>{p.FiledAt:yyyy-MM-dd HH:mm}</td><td>{E(p.Window)}</td><td><a href='/audits/{p.AuditId}'>{E(p.TitleZh)}</a><br><span class=muted>{E(p.Reason)}</span></td>" +
                     $"<td>{E(p.Staff ?? Appeals.ByReview)}: {E(p.Appeal)}</td><td>{decision}</td></tr>");
        }
        if (appeals.Count == 0) h.Append("<tr><td colspan=5>No appeals 暂无申诉</td></tr>");
        return Page("Appeals", h.Append("</table>").ToString());
    }

    private static async Task<IResult> DecideFromForm(long id, CurrentUser user, HttpContext http, IAntiforgery antiforgery, HttpRequest request,
        DeskVisionDb db, TimeProvider clock, CancellationToken ct)
    {
        if (!await ValidFormAsync(http, antiforgery)) return Results.BadRequest(new { problem = "the form is stale or not from this site; reload the page" });
        if (!await db.Appeals.AnyAsync(p => p.Id == id && db.AuditViolations.VisibleTo(user, db).Any(v => v.Id == p.ViolationId), ct)) return Results.NotFound();
        var form = await request.ReadFormAsync(ct);
        string message;
        try
        {
            var appeal = await new Appeals(db, clock).DecideAsync(id, form["outcome"], user.DisplayName, form["note"], ct);
            db.AuditLog.Add(new AuditLogEntry { At = clock.GetUtcNow(), Actor = user.UserName, Action = $"appeal.{appeal.Outcome}", Subject = Appeals.Subject(id),
                Details = $"violation {appeal.ViolationId}: {form["note"]}" });
            await db.SaveChangesAsync(ct);
            message = $"Appeal {id} {appeal.Outcome}.";
        }
        catch (RefusedException e) { message = $"Not decided: {e.Message}"; }
        catch (KeyNotFoundException) { return Results.NotFound(); }
        return Results.Redirect($"/appeals?message={Uri.EscapeDataString(message)}");
    }
}
