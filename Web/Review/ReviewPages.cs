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
/// A manager goes through a window's audits one by one: the snapshot with zones, detections (label, confidence) and
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
        group.MapGet("/{id:long}", ReviewPage);
        group.MapPost("/violations/{id:long}/confirm", Confirm);
        group.MapPost("/violations/{id:long}/false-positive", FalsePositive);
    }

    private static async Task<IResult> ReviewPage(long id, CurrentUser user, Text t, HttpRequest request, DeskVisionDb db, IAntiforgery antiforgery,
        string? only, string? done, string? problem, CancellationToken ct)
    {
        var a = await db.Audits.AsNoTracking().VisibleTo(user, db)
            .Include(x => x.Camera).ThenInclude(c => c.Window).ThenInclude(w => w.Site).Include(x => x.Camera).ThenInclude(c => c.Zones)
            .Include(x => x.Detections).Include(x => x.Violations).ThenInclude(v => v.Clause).Include(x => x.Violations).ThenInclude(v => v.Appeal)
            .AsSplitQuery().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (a is null) return Results.NotFound();
        bool onlyViolations = only == "violations";
        var (previous, next) = await NeighboursAsync(db, user, a, onlyViolations, ct);
        var subjects = a.Violations.Select(v => Subject(v.Id)).ToList();
        var log = await db.AuditLog.AsNoTracking().Where(e => subjects.Contains(e.Subject)).OrderByDescending(e => e.At).ToListAsync(ct);
        var zone = Schedules.AuditScheduler.SiteZone(a.Camera.Window.Site);
        string Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd HH:mm:ss", PageParts.Inv);
        double counted = Math.Min(Scorecard.FullMarks, a.Score + a.Violations.Where(Overturned).Sum(v => v.Points));
        string keep = onlyViolations ? "?only=violations" : "";

        var h = new StringBuilder($"<h1>{E(t["Review.Title"])} · {E(a.Camera.Window.Name)} · #{a.Id}</h1>");
        if (!string.IsNullOrEmpty(done)) h.Append($"<p class=flash>{E(t[done == "fp" ? "Review.DoneFalsePositive" : "Review.DoneConfirm"])}</p>");
        if (!string.IsNullOrEmpty(problem)) h.Append($"<p class=error>{E(problem)}</p>");
        h.Append("<p class=dv-bar>");
        h.Append(previous is long p ? $"<a id=previous href='/review/{p}{keep}'>{E(t["Review.Previous"])}</a>" : $"<span class=muted>{E(t["Review.Previous"])}</span>");
        h.Append(next is long n ? $"<a id=next href='/review/{n}{keep}'>{E(t["Review.Next"])}</a>" : $"<span class=muted>{E(t["Review.Next"])}</span>");
        h.Append(onlyViolations ? $"<a href='/review/{a.Id}'>{E(t["Review.AllAudits"])}</a>" : $"<a href='/review/{a.Id}?only=violations'>{E(t["Review.OnlyViolations"])}</a>");
        h.Append($"<a href='/windows/{a.Camera.WindowId}'>{E(t["Review.Timeline"])}</a>");
        if (a.SnapshotPath is not null && a.ImageWidth > 0) h.Append($"<a id=label-link href='/label/{a.Id}'>{E(t["Label.Title"])}</a>");
        h.Append("</p>");
        h.Append($"<p>{E(Local(a.TakenAt))} ({E(t["Review.Local"])}) · {E(t["Review.Camera"])} {E(a.Camera.Key)} · {E(t["Review.Model"])} {E(a.ModelId)}</p>");
        if (a.Status == AuditStatuses.Ok)
            h.Append($"<div class='score {ScoreClass(counted)}'>{PageParts.N(counted)} / 100</div>" +
                     (counted != a.Score ? $"<p class=muted>{E(t.F("Review.ScoredAs", PageParts.N(a.Score)))}</p>" : ""));
        else h.Append($"<p class=failed>{E(t["Review.NotJudged"])}: {E(a.FailureReason)}</p>");
        if (a.DetectionsReusedFrom is long source)
            h.Append($"<p class=muted id=reused>{E(t["Review.Reused"])} <a href='/review/{source}'>#{source}</a></p>");

        if (a.ImageWidth > 0 && a.SnapshotPath is not null)
        {
            int font = Math.Max(12, a.ImageWidth / 45), stroke = Math.Max(2, a.ImageWidth / 300);
            h.Append($"<div class=evidence><img src='/evidence/audits/{a.Id}' alt='snapshot'><svg viewBox='0 0 {a.ImageWidth} {a.ImageHeight}'>");
            foreach (var z in a.Camera.Zones)
                h.Append($"<polygon points='{string.Join(' ', z.Polygon.Select(pt => $"{PageParts.N(pt[0] * a.ImageWidth, "0")},{PageParts.N(pt[1] * a.ImageHeight, "0")}"))}' fill='none' stroke='#2979ff' stroke-dasharray='8 6' stroke-width='{stroke}'><title>{E(z.Name)} ({E(z.Kind)})</title></polygon>");
            foreach (var d in a.Detections)
                h.Append($"<rect class=detection x='{PageParts.N(d.X1, "0")}' y='{PageParts.N(d.Y1, "0")}' width='{PageParts.N(d.X2 - d.X1, "0")}' height='{PageParts.N(d.Y2 - d.Y1, "0")}' fill='none' stroke='#43a047' stroke-width='{stroke}'><title>{E(d.Label)} {PageParts.N(d.Confidence, "0.00")}</title></rect>" +
                         $"<text x='{PageParts.N(d.X1 + 3, "0")}' y='{PageParts.N(d.Y2 - 4, "0")}' fill='#43a047' font-size='{font * 3 / 4}'>{E(d.Label)} {PageParts.N(d.Confidence, "0.00")}</text>");
            foreach (var v in a.Violations)
            {
                bool fp = Overturned(v);
                h.Append($"<rect class=violation x='{PageParts.N(v.X1, "0")}' y='{PageParts.N(v.Y1, "0")}' width='{PageParts.N(v.X2 - v.X1, "0")}' height='{PageParts.N(v.Y2 - v.Y1, "0")}' " +
                         $"fill='{(fp ? "none" : "#e5393522")}' stroke='{(fp ? "#9e9e9e" : "#e53935")}' stroke-width='{stroke * 2}'{(fp ? " stroke-dasharray='10 6'" : "")}/>" +
                         $"<text x='{PageParts.N(v.X1 + 4, "0")}' y='{PageParts.N(v.Y1 + font, "0")}' fill='{(fp ? "#9e9e9e" : "#e53935")}' font-size='{font}' font-weight='700'>{E(v.Clause.TitleZh)}</text>");
            }
            h.Append("</svg></div>");
            h.Append($"<p class=muted>{E(t["Review.Legend"])}</p>");
        }

        h.Append($"<h2>{E(t["Review.Violations"])}</h2><table id=violations><tr><th>{E(t["Heat.Clause"])}</th><th>{E(t["Review.StandardText"])}</th><th>{E(t["Review.Evidence"])}</th>" +
                 $"<th>{E(t["Review.Points"])}</th><th>{E(t["Review.State"])}</th><th>{E(t["Review.Decision"])}</th></tr>");
        string token = PageParts.Token(antiforgery, request.HttpContext);
        foreach (var v in a.Violations.OrderBy(v => v.Id))
        {
            bool fp = Overturned(v);
            var confirmed = log.FirstOrDefault(e => e.Subject == Subject(v.Id) && e.Action == ConfirmAction);
            string state = t["State." + ViolationApi.State(fp, v.ClosedAt, v.ClosedBy)];
            string decision;
            if (fp) decision = $"<b>{E(t["Review.IsFalsePositive"])}</b><br><span class=muted>{E(v.Appeal!.DecidedBy)} · {E(Local(v.Appeal.DecidedAt ?? default))}<br>{E(v.Appeal.DecisionNote)}</span>";
            else if (v.Appeal is { Outcome: AppealOutcomes.Upheld } upheld) decision = $"{E(t["Review.Upheld"])} <span class=muted>{E(upheld.DecidedBy)}</span>";
            else
            {
                decision = (confirmed is null ? "" : $"<p class=ok>✓ {E(t["Review.Confirmed"])} <span class=muted>{E(confirmed.Actor)} · {E(Local(confirmed.At))}</span></p>") +
                           (v.Appeal is { Outcome: null } pending ? $"<p class=warn>{E(t["Review.AppealPending"])}: {E(pending.Reason)}</p>" : "") +
                           (confirmed is null ? $"<form method=post action='/review/violations/{v.Id}/confirm'>{token}<input type=hidden name=only value='{E(only)}'><button class=confirm>{E(t["Review.Confirm"])}</button></form>" : "") +
                           $"<form method=post action='/review/violations/{v.Id}/false-positive'>{token}<input type=hidden name=only value='{E(only)}'>" +
                           $"<input name=note maxlength=500 placeholder='{E(t["Review.NotePlaceholder"])}'> <button class=false-positive>{E(t["Review.MarkFalsePositive"])}</button></form>";
            }
            h.Append($"<tr id='violation-{v.Id}'><td class=zh>{E(v.Clause.TitleZh)}<br><span class=muted>{E(v.Clause.Key)} · {E(v.Clause.Severity)}</span></td><td class=zh>{E(v.Clause.TextZh)}</td>" +
                     $"<td>{E(v.Reason)}{(v.Label is null ? "" : $"<br><span class=muted>{E(v.Label)} {PageParts.N(v.Confidence ?? 0, "0.00")} · {E(v.ZoneName)}</span>")}</td>" +
                     $"<td>-{PageParts.N(v.Points)}</td><td>{E(state)}</td><td>{decision}</td></tr>");
        }
        if (a.Violations.Count == 0) h.Append($"<tr><td colspan=6>{E(t["Common.None"])}</td></tr>");
        h.Append($"</table><p class=muted>{E(Standards.StandardPages.PointsNote)}</p>");
        if (log.Count > 0)
        {
            h.Append($"<h2>{E(t["Review.Log"])}</h2><ul id=review-log>");
            foreach (var e in log) h.Append($"<li>{E(Local(e.At))} · {E(e.Actor)} · {E(e.Action)} · {E(e.Details)}</li>");
            h.Append("</ul>");
        }
        return PageParts.Page(t["Review.Title"], t, request, user, h.ToString());
    }

    private static bool Overturned(AuditViolation v) => v.Appeal is { Outcome: AppealOutcomes.Overturned };

    /// <summary>The audits just before and after this one at the same window (that the user may see; with violations only, if asked).</summary>
    private static async Task<(long? Previous, long? Next)> NeighboursAsync(DeskVisionDb db, CurrentUser user, Audit a, bool onlyViolations, CancellationToken ct)
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
