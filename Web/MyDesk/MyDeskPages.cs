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

namespace DeskVision.Web.MyDesk;

/// <summary>
/// "My desk" (<c>/me</c>), the staff member's own page: today's and this month's score, the open violations with their
/// evidence and the clause of the standard in its original Chinese (what to put right), the history and the weekly
/// trend, and an appeal per violation. Only what the duty roster attributes to them, through the visibility filters.
/// </summary>
public static class MyDeskPages
{
    public const int HistoryDays = 30, TrendWeeks = 12;

    public static void MapMyDesk(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/me").RequireAuthorization(Policies.SignedIn);
        group.MapGet("", MyDeskPage);
        group.MapPost("/appeals", Appeal);
    }

    /// <summary>My audits: what I may see and, whatever my role, only while I was on duty.</summary>
    private static IQueryable<Audit> Mine(DeskVisionDb db, CurrentUser user) =>
        db.Audits.AsNoTracking().VisibleTo(user, db)
            .Where(a => db.DutyShifts.Any(s => s.StaffId == user.StaffId && s.WindowId == a.Camera.WindowId && s.From <= a.TakenAt && a.TakenAt < s.To));

    private static IQueryable<AuditViolation> MyViolations(DeskVisionDb db, CurrentUser user) =>
        db.AuditViolations.AsNoTracking().VisibleTo(user, db)
            .Where(v => v.Audit.Status == AuditStatuses.Ok
                        && db.DutyShifts.Any(s => s.StaffId == user.StaffId && s.WindowId == v.Audit.Camera.WindowId && s.From <= v.Audit.TakenAt && v.Audit.TakenAt < s.To));

    private static async Task<IResult> MyDeskPage(CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery, TimeProvider clock,
        string? done, string? problem, CancellationToken ct)
    {
        var staff = user.StaffId is int sid ? await db.Staff.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sid, ct) : null;
        if (staff is null)
            return PageParts.Page(t["Me.Title"], t, http.Request, user, $"<h1>{E(t["Me.Title"])}</h1><p>{E(t["Me.NoStaff"])}</p>");
        var site = await db.Sites.AsNoTracking().FirstAsync(s => s.Id == staff.SiteId, ct);
        var now = clock.GetUtcNow();
        var today = SitePeriod.Day(site, SitePeriod.Today(site, now));
        var month = SitePeriod.Month(site, SitePeriod.Today(site, now));
        var (firstMonday, trendPeriod) = Trends.Range(site, SitePeriod.Today(site, now), TrendWeeks);
        string Local(DateTimeOffset at) => today.Local(at).ToString("MM-dd HH:mm", PageParts.Inv);

        var ok = Mine(db, user).Where(a => a.Status == AuditStatuses.Ok);
        var buckets = await Heatmaps.HoursAsync(ok.Where(a => a.TakenAt >= Min(trendPeriod.From, month.From) && a.TakenAt < now.AddDays(1)), ct);
        (int N, double? Average) Over(SitePeriod p)
        {
            var inside = buckets.Where(b => b.Hour >= p.From && b.Hour < p.To).ToList();
            int n = inside.Sum(b => b.Audits);
            return (n, n == 0 ? null : inside.Sum(b => b.ScoreSum) / n);
        }
        var (todayN, todayScore) = Over(today);
        var (monthN, monthScore) = Over(month);

        var open = await MyViolations(db, user)
            .Where(v => v.ClosedAt == null && (v.Appeal == null || v.Appeal.Outcome != AppealOutcomes.Overturned))
            .OrderByDescending(v => v.Audit.TakenAt).Take(50)
            .Select(v => new
            {
                v.Id, v.AuditId, v.Audit.TakenAt, Window = v.Audit.Camera.Window.Name, v.Clause.Key, v.Clause.TitleZh, v.Clause.TextZh, v.Clause.Severity,
                v.ZoneName, v.Points, v.Reason, HasPicture = v.Audit.SnapshotPath != null,
                Appeal = v.Appeal == null ? null : new { v.Appeal.Reason, v.Appeal.Outcome, v.Appeal.DecidedBy, v.Appeal.DecisionNote },
            }).ToListAsync(ct);
        var since = now.AddDays(-HistoryDays);
        var history = await MyViolations(db, user).Where(v => v.Audit.TakenAt >= since)
            .OrderByDescending(v => v.Audit.TakenAt).Take(200)
            .Select(v => new
            {
                v.Id, v.AuditId, v.Audit.TakenAt, Window = v.Audit.Camera.Window.Name, v.Clause.TitleZh, v.Points, v.ClosedAt, v.ClosedBy,
                Overturned = v.Appeal != null && v.Appeal.Outcome == AppealOutcomes.Overturned, AppealOutcome = v.Appeal == null ? null : v.Appeal.Outcome,
                Appealed = v.Appeal != null,
            }).ToListAsync(ct);

        var h = new StringBuilder($"<h1>{E(t["Me.Title"])} · {E(staff.Name)}</h1>");
        if (done == "appeal") h.Append($"<p class=flash>{E(t["Me.AppealSent"])}</p>");
        if (!string.IsNullOrEmpty(problem)) h.Append($"<p class=error>{E(t["Me.AppealNotSent"])}: {E(problem)}</p>");
        h.Append("<div class=cards>");
        h.Append(Card(t["Me.Today"], todayScore, t.F("Me.AuditsCount", todayN), "me-today"));
        h.Append(Card(t["Me.Month"], monthScore, t.F("Me.AuditsCount", monthN) + " · " + month.MonthName, "me-month"));
        h.Append($"<div class=card id=me-open><div class=muted>{E(t["Me.OpenCount"])}</div><div class='score {(open.Count == 0 ? "ok" : "bad")}'>{open.Count}</div></div>");
        h.Append("</div>");

        h.Append($"<h2>{E(t["Me.Open"])}</h2>");
        if (open.Count == 0) h.Append($"<p class=ok>{E(t["Me.NoOpen"])}</p>");
        string token = PageParts.Token(antiforgery, http);
        foreach (var v in open)
        {
            h.Append($"<div class=card id='violation-{v.Id}' style='display:flex;gap:1rem;flex-wrap:wrap;margin-bottom:1rem'>");
            h.Append(v.HasPicture ? $"<a href='/audits/{v.AuditId}'><img src='/evidence/violations/{v.Id}' alt='{E(t["Me.Evidence"])}' style='max-width:320px;border-radius:4px'></a>" : "");
            h.Append($"<div style='flex:1;min-width:260px'><h3 class=zh>{E(v.TitleZh)} <span class=muted>−{PageParts.N(v.Points)}</span></h3>");
            h.Append($"<p class=muted>{E(Local(v.TakenAt))} · {E(v.Window)} · {E(v.ZoneName)} · {E(v.Key)}</p>");
            h.Append($"<p><b>{E(t["Me.WhatToFix"])}</b></p><blockquote class=zh lang=zh-CN style='margin:.2rem 0 .6rem;border-left:3px solid #1f3a5f;padding-left:.6rem'>{E(v.TextZh)}</blockquote>");
            h.Append($"<p class=muted>{E(t["Me.FoundBecause"])}: {E(v.Reason)}</p>");
            if (v.Appeal is { } a)
                h.Append($"<p class=warn>{E(t["Me.Appealed"])}: {E(a.Reason)} — <b>{E(a.Outcome is null ? t["Me.Pending"] : t["Outcome." + a.Outcome])}</b>{(a.DecidedBy is null ? "" : $" ({E(a.DecidedBy)}: {E(a.DecisionNote)})")}</p>");
            else
                h.Append($"<form method=post action='/me/appeals' class=appeal>{token}<input type=hidden name=violation value='{v.Id}'>" +
                         $"<input name=reason required maxlength=500 placeholder='{E(t["Me.ReasonPlaceholder"])}' style='width:60%'> <button>{E(t["Me.Appeal"])}</button></form>");
            h.Append("</div></div>");
        }

        h.Append($"<h2>{E(t["Me.Trend"])}</h2>");
        var weekly = Trends.WeeklyScores(buckets, trendPeriod, firstMonday, TrendWeeks, [new Heatmaps.Axis("me", staff.Name)], _ => "me")[0];
        if (weekly.Values.Any(x => x is not null))
            h.Append(Charts.Lines("me-trend", Enumerable.Range(0, TrendWeeks).Select(w => firstMonday.AddDays(7 * w).ToString("MM-dd", PageParts.Inv)).ToList(),
                [new Charts.Line(staff.Name, weekly.Values)], yLabel: t["Heat.Score"]));
        else h.Append($"<p>{E(t["Trend.NoAudits"])}</p>");

        h.Append($"<h2>{E(t.F("Me.History", HistoryDays))}</h2><table id=me-history><tr><th>{E(t["Cell.Time"])}</th><th>{E(t["Heat.Window"])}</th><th>{E(t["Heat.Clause"])}</th>" +
                 $"<th>{E(t["Review.Points"])}</th><th>{E(t["Review.State"])}</th></tr>");
        foreach (var v in history)
        {
            string state = t["State." + ViolationApi.State(v.Overturned, v.ClosedAt, v.ClosedBy)] + (v.Appealed && !v.Overturned ? $" · {t["Me.Appealed"]}" : "");
            h.Append($"<tr><td>{E(Local(v.TakenAt))}</td><td>{E(v.Window)}</td><td class=zh>{E(v.TitleZh)}</td><td>{(v.Overturned ? "0" : "−" + PageParts.N(v.Points))}</td><td>{E(state)}</td></tr>");
        }
        if (history.Count == 0) h.Append($"<tr><td colspan=5>{E(t["Common.None"])}</td></tr>");
        h.Append($"</table><p class=muted>{E(t["Me.RosterNote"])} {E(MonthlyReport.PointsNote)}</p>");
        return PageParts.Page(t["Me.Title"], t, http.Request, user, h.ToString());
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static string Card(string title, double? score, string detail, string id) =>
        $"<div class=card id='{id}'><div class=muted>{E(title)}</div><div class='score {(score is double s ? ScoreClass(s) : "muted")}'>{(score is double v ? PageParts.N(v) : "—")}</div><div class=muted>{E(detail)}</div></div>";

    private static async Task<IResult> Appeal(CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery, TimeProvider clock, CancellationToken ct)
    {
        if (!await PageParts.ValidTokenAsync(antiforgery, http)) return PageParts.BadToken(t);
        if (user.StaffId is not int staffId) return Results.Forbid();
        var form = await http.Request.ReadFormAsync(ct);
        if (!long.TryParse(form["violation"], out long id)) return Results.BadRequest();
        // Only a violation of one's own shifts: another's is "not found", whoever asks.
        if (!await MyViolations(db, user).AnyAsync(v => v.Id == id, ct)) return Results.NotFound();
        try { await new Appeals(db, clock).FileAsync(id, staffId, form["reason"], ct); }
        catch (RefusedException e) { return Results.Redirect($"/me?problem={Uri.EscapeDataString(e.Message)}"); }
        return Results.Redirect($"/me?done=appeal#violation-{id}");
    }
}
