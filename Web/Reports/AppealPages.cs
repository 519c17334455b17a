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
/// The staff member's own view (their violations of the month, by the roster, with an appeal form) and the manager's
/// appeal queue (uphold or overturn, with a note). Plain HTML forms posting back to the app: the pages work without
/// script, as the security policy wants. There are no accounts yet, so the pages take the person's word for who they are.
/// </summary>
public static class AppealPages
{
    public static void MapAppealPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/staff", StaffList).RequireAuthorization(Policies.Manager);
        app.MapGet("/staff/{id:int}", StaffPage);
        app.MapPost("/staff/{id:int}/appeals", FileFromForm);
        app.MapGet("/appeals", AppealQueue).RequireAuthorization(Policies.Manager);
        app.MapPost("/appeals/{id:long}/decision", DecideFromForm).RequireAuthorization(Policies.Manager);
    }

    /// <summary>A staff member's own page, or any page of a hall the user manages.</summary>
    private static Task<bool> MaySeeStaffAsync(DeskVisionDb db, CurrentUser user, int staffId, CancellationToken ct) =>
        user.IsStaff ? Task.FromResult(user.StaffId == staffId)
            : db.Staff.AnyAsync(s => s.Id == staffId && (user.IsAdmin || user.SiteIds.Contains(s.SiteId)), ct);

    /// <summary>Forms post with the anti-forgery token; a form without it (another site's page) is refused.</summary>
    private static async Task<bool> ValidFormAsync(HttpContext http, IAntiforgery antiforgery)
    {
        try { await antiforgery.ValidateRequestAsync(http); return true; }
        catch (AntiforgeryValidationException) { return false; }
    }

    private static async Task<IResult> StaffList(CurrentUser user, DeskVisionDb db, CancellationToken ct)
    {
        var staff = await db.Staff.AsNoTracking().Where(s => user.IsAdmin || user.SiteIds.Contains(s.SiteId)).OrderBy(s => s.SiteId).ThenBy(s => s.Name).ToListAsync(ct);
        var h = new StringBuilder("<h1>人员 · Staff</h1><p>Open your page to see the violations attributed to you by the duty roster and to appeal them. <a href='/appeals'>Appeal queue (managers)</a></p><ul>");
        foreach (var s in staff) h.Append($"<li><a href='/staff/{s.Id}'>{E(s.Name)}</a></li>");
        return Page("Staff", h.Append("</ul>").ToString());
    }

    private static async Task<IResult> StaffPage(int id, CurrentUser user, HttpContext http, IAntiforgery antiforgery, DeskVisionDb db, TimeProvider clock,
        string? month, string? message, CancellationToken ct)
    {
        if (!await MaySeeStaffAsync(db, user, id, ct)) return Results.NotFound();
        string token = Html.AntiforgeryField(http, antiforgery);
        var staff = await db.Staff.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (staff is null) return Results.NotFound();
        var site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == staff.SiteId, ct);
        SitePeriod period;
        try { period = SitePeriod.Month(site, month, clock.GetUtcNow()); }
        catch (FormatException e) { return Results.BadRequest(new { problem = e.Message }); }

        // Attributed by the roster at query time, overturned ones too, so the person sees how their appeals ended.
        var rows = await db.AuditViolations.AsNoTracking()
            .Where(v => v.Audit.Status == AuditStatuses.Ok && v.Audit.TakenAt >= period.From && v.Audit.TakenAt < period.To
                        && db.DutyShifts.Any(s => s.StaffId == id && s.WindowId == v.Audit.Camera.WindowId && s.From <= v.Audit.TakenAt && s.To > v.Audit.TakenAt))
            .OrderByDescending(v => v.Audit.TakenAt)
            .Select(v => new
            {
                v.Id, v.AuditId, v.Audit.TakenAt, Window = v.Audit.Camera.Window.Name, v.Clause.Key, v.Clause.TitleZh, v.ZoneName, v.Points,
                v.ClosedAt, v.ClosedBy, Appeal = v.Appeal == null ? null : new { v.Appeal.Reason, v.Appeal.Outcome, v.Appeal.DecidedBy, v.Appeal.DecisionNote },
            }).Take(500).ToListAsync(ct);

        var h = new StringBuilder($"<h1>{E(staff.Name)} · {period.MonthName}</h1>");
        if (!string.IsNullOrEmpty(message)) h.Append($"<p class=muted>{E(message)}</p>");
        h.Append($"<p>Violations found while the duty roster had you on duty. If one is wrong, say why and a manager will look at it; " +
                 $"an overturned violation no longer counts. <a href='/staff/{id}?month={period.First.AddMonths(-1):yyyy-MM}'>◀ previous month</a></p>");
        h.Append("<table><tr><th>time</th><th>window</th><th>clause</th><th>zone</th><th class=n>points</th><th>state</th><th>appeal</th></tr>");
        foreach (var v in rows)
        {
            string state = ViolationApi.State(v.Appeal?.Outcome == AppealOutcomes.Overturned, v.ClosedAt, v.ClosedBy);
            string appeal = v.Appeal is { } a
                ? $"{E(a.Reason)} — <b>{E(a.Outcome ?? "pending 待处理")}</b>{(a.DecidedBy is null ? "" : $" ({E(a.DecidedBy)}: {E(a.DecisionNote)})")}"
                : $"<form method=post action='/staff/{id}/appeals'>{token}<input type=hidden name=violation value='{v.Id}'><input type=hidden name=month value='{period.MonthName}'>" +
                  "<input name=reason required maxlength=500 placeholder='why this is wrong 申诉理由'> <button>appeal 申诉</button></form>";
            h.Append($"<tr><td><a href='/audits/{v.AuditId}'>{period.Local(v.TakenAt):MM-dd HH:mm}</a></td><td>{E(v.Window)}</td><td>{E(v.TitleZh)}<br><span class=muted>{E(v.Key)}</span></td>" +
                     $"<td>{E(v.ZoneName)}</td><td class=n>-{v.Points:0.#}</td><td>{state}</td><td>{appeal}</td></tr>");
        }
        if (rows.Count == 0) h.Append("<tr><td colspan=7>None 无</td></tr>");
        h.Append($"</table><p class=muted>{E(MonthlyReport.PointsNote)}</p>");
        return Page(staff.Name, h.ToString());
    }

    private static async Task<IResult> FileFromForm(int id, CurrentUser user, HttpContext http, IAntiforgery antiforgery, HttpRequest request,
        DeskVisionDb db, TimeProvider clock, CancellationToken ct)
    {
        if (!await ValidFormAsync(http, antiforgery)) return Results.BadRequest(new { problem = "the form is stale or not from this site; reload the page" });
        if (!await MaySeeStaffAsync(db, user, id, ct)) return Results.NotFound();
        var form = await request.ReadFormAsync(ct);
        if (!long.TryParse(form["violation"], CultureInfo.InvariantCulture, out long violation)) return Results.BadRequest(new { problem = "no violation given" });
        string message;
        try
        {
            await new Appeals(db, clock).FileAsync(violation, id, form["reason"], ct);
            message = $"Appeal against violation {violation} sent 申诉已提交.";
        }
        catch (RefusedException e) { message = $"Not sent: {e.Message}"; }
        catch (KeyNotFoundException) { return Results.NotFound(); }
        // Back to the month the form was on: the violation may be from an earlier one.
        string month = form["month"].ToString() is { Length: 7 } m && DateOnly.TryParseExact(m + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? m : "";
        return Results.Redirect($"/staff/{id}?month={month}&message={Uri.EscapeDataString(message)}");
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
