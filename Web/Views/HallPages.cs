using System.Globalization;
using System.Text;
using DeskVision.Store;
using DeskVision.Web.Audits;
using Microsoft.EntityFrameworkCore;
using DeskVision.Web.Accounts;
using static DeskVision.Web.Views.Html;

namespace DeskVision.Web.Views;

/// <summary>Server-rendered pages: the hall overview and one audit with its evidence drawn on the snapshot.</summary>
public static class HallPages
{
    public static void MapHallPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/audits/{id:long}", AuditPage);
        app.MapGet("/audits/{id:long}/image", AuditImage);
        app.MapGet("/cameras", CameraList).RequireAuthorization(Accounts.Policies.Manager);
        app.MapGet("/windows/{id:int}", WindowTimeline);
    }

    private static async Task<IResult> CameraList(Accounts.CurrentUser user, DeskVisionDb db, CancellationToken ct)
    {
        var now = DateTimeOffset.UtcNow;
        var cameras = await db.Cameras.AsNoTracking().VisibleTo(user).OrderBy(c => c.Key).Select(c => new
        {
            c.Key, c.Source, Window = c.Window.Name, WindowId = c.WindowId, Site = c.Window.Site.Key, SiteName = c.Window.Site.Name, c.OfflineSince, c.LastSnapshotAt, c.LastFailure, c.EveryMinutes, c.ScheduleEnabled,
            Next = db.PlannedAudits.Where(p => p.CameraId == c.Id && p.State == PlannedAuditStates.Planned && p.DueAt > now)
                .OrderBy(p => p.DueAt).Select(p => (DateTimeOffset?)p.DueAt).FirstOrDefault(),
            LastOk = db.Audits.Where(a => a.CameraId == c.Id && a.SnapshotPath != null).OrderByDescending(a => a.TakenAt).Select(a => (long?)a.Id).FirstOrDefault(),
        }).ToListAsync(ct);
        var html = new StringBuilder("<h1>摄像头 · Cameras</h1>");
        var sites = cameras.DistinctBy(c => c.Site).ToList();
        if (sites.Count > 0)
            html.Append($"<p>通知 Webhooks: {string.Join(" · ", sites.Select(c => $"<a href='/sites/{Uri.EscapeDataString(c.Site)}/webhooks'>{E(c.SiteName)}</a>"))}</p>");
        html.Append("<table><tr><th>camera</th><th>window</th><th>status</th><th>last snapshot</th><th>next audit</th><th>zones</th></tr>");
        foreach (var c in cameras)
        {
            string status = c.OfflineSince is { } since ? $"<span class=failed>offline since {since:MM-dd HH:mm} UTC</span><br><span class=muted>{E(c.LastFailure)}</span>" : "<span class=ok>online</span>";
            string next = !c.ScheduleEnabled ? "schedule off" : c.EveryMinutes is int m ? $"every {m} min" : c.Next is { } n ? $"{n:MM-dd HH:mm:ss} UTC" : "none planned today";
            string thumb = c.LastOk is long id ? $"<a href='/audits/{id}'><img src='/audits/{id}/image' width=160 alt='last snapshot'></a>" : "";
            html.Append($"<tr><td>{E(c.Key)}<br><span class=muted>{E(Ingest.CameraUrl.Redact(c.Source ?? ""))}</span></td><td><a href='/windows/{c.WindowId}'>{E(c.Window)}</a></td>" +
                        $"<td>{status}</td><td>{c.LastSnapshotAt:MM-dd HH:mm:ss}<br>{thumb}</td><td>{next}</td>" +
                        $"<td><a href='/cameras/{Uri.EscapeDataString(c.Key)}/zones'>编辑区域 Edit zones</a></td></tr>");
        }
        html.Append("</table>");
        return Page("Cameras", html.ToString());
    }

    /// <summary>One window's audits over time: a score line and the list, newest first.</summary>
    private static async Task<IResult> WindowTimeline(int id, Accounts.CurrentUser user, DeskVisionDb db, CancellationToken ct)
    {
        var window = await db.Windows.AsNoTracking().VisibleTo(user, db).FirstOrDefaultAsync(w => w.Id == id, ct);
        if (window is null) return Results.NotFound();
        var audits = await db.Audits.AsNoTracking().VisibleTo(user, db).Where(a => a.Camera.WindowId == id).OrderByDescending(a => a.TakenAt).Take(200)
            .Select(a => new { a.Id, a.TakenAt, a.Status, a.Score, a.FailureReason, Violations = a.Violations.Count }).ToListAsync(ct);
        var html = new StringBuilder($"<h1>{E(window.Name)} · 巡检记录 Audit timeline</h1>");
        var ok = audits.Where(a => a.Status == AuditStatuses.Ok).Reverse().ToList();
        if (ok.Count > 1)
        {
            var inv = CultureInfo.InvariantCulture;
            string points = string.Join(' ', ok.Select((a, i) => string.Create(inv, $"{i * 800.0 / (ok.Count - 1):0.#},{(100 - a.Score) * 2:0.#}")));
            html.Append($"<svg viewBox='-10 -10 820 220' width='100%' height='180' style='background:#fff'><polyline points='{points}' fill='none' stroke='#1f3a5f' stroke-width='3'/>" +
                        "<text x='0' y='-1' font-size='12'>100</text><text x='0' y='200' font-size='12'>0</text></svg>");
        }
        html.Append("<table><tr><th>time (UTC)</th><th>status</th><th>score</th><th>violations</th></tr>");
        foreach (var a in audits)
            html.Append($"<tr><td><a href='/audits/{a.Id}'>{a.TakenAt:yyyy-MM-dd HH:mm:ss}</a></td>" +
                        (a.Status != AuditStatuses.Ok ? $"<td class=failed>{E(a.Status)}: {E(a.FailureReason)}</td><td></td>" : $"<td>ok</td><td>{a.Score:0.#}</td>") +
                        $"<td>{a.Violations}</td></tr>");
        html.Append("</table>");
        return Page(window.Name, html.ToString());
    }

    private static async Task<IResult> AuditPage(long id, Accounts.CurrentUser user, DeskVisionDb db, CancellationToken ct)
    {
        var a = await db.Audits.AsNoTracking().VisibleTo(user, db).Include(x => x.Camera).ThenInclude(c => c.Window).Include(x => x.Camera).ThenInclude(c => c.Zones)
            .Include(x => x.Detections).Include(x => x.Violations).ThenInclude(v => v.Clause).Include(x => x.StandardVersion)
            .FirstOrDefaultAsync(x => x.Id == id, ct);
        if (a is null) return Results.NotFound();
        // The version that scored this audit, not the current one: an audit stays what its version made it.
        string standard = a.StandardVersion is { } sv ? $" · standard <span id=audit-standard>{E($"{sv.Version}@{sv.ContentHash}")}</span> (version {sv.Id})" : "";
        var html = new StringBuilder($"<h1>{E(a.Camera.Window.Name)} · audit {a.Id}</h1><p>{a.TakenAt:yyyy-MM-dd HH:mm:ss} UTC · model {E(a.ModelId)}{standard}</p>");
        // Reviewing and the scorecard are for the hall's managers; staff would meet a 403.
        if (!user.IsStaff)
            html.Append($"<p><a href='/review/{a.Id}'>审核 Review: confirm or mark false positives</a> · <a href='/audits/{a.Id}/scorecard'>评分 Scorecard</a> · <a href='/windows/{a.Camera.WindowId}'>{E(a.Camera.Window.Name)} timeline</a></p>");
        if (a.Status == AuditStatuses.Failed)
            html.Append($"<p class=failed>This audit could not run: {E(a.FailureReason)}</p>");
        else if (a.Status == AuditStatuses.Unreliable)
            html.Append($"<p class=failed>Not scored, the picture cannot be judged: {E(a.FailureReason)}</p>");
        else
            html.Append($"<div class='score {ScoreClass(a.Score)}'>{a.Score:0.#} / 100</div>");
        if (a.ImageWidth > 0 && a.SnapshotPath is not null)
        {
            var inv = CultureInfo.InvariantCulture;
            html.Append($"<div class=evidence><img src='/audits/{a.Id}/image' alt='snapshot'><svg viewBox='0 0 {a.ImageWidth} {a.ImageHeight}'>");
            foreach (var z in a.Camera.Zones)
                html.Append(string.Create(inv, $"<polygon points='{string.Join(' ', z.Polygon.Select(p => $"{p[0] * a.ImageWidth:0},{p[1] * a.ImageHeight:0}"))}' fill='none' stroke='#2979ff' stroke-dasharray='8 6' stroke-width='2'><title>{E(z.Name)} ({z.Kind})</title></polygon>"));
            foreach (var d in a.Detections)
                html.Append(string.Create(inv, $"<rect x='{d.X1:0}' y='{d.Y1:0}' width='{d.X2 - d.X1:0}' height='{d.Y2 - d.Y1:0}' fill='none' stroke='#43a047' stroke-width='2'><title>{E(d.Label)} {d.Confidence:0.00}</title></rect>"));
            foreach (var v in a.Violations)
                html.Append(string.Create(inv, $"<rect x='{v.X1:0}' y='{v.Y1:0}' width='{v.X2 - v.X1:0}' height='{v.Y2 - v.Y1:0}' fill='#e5393522' stroke='#e53935' stroke-width='4'/><text x='{v.X1 + 4:0}' y='{v.Y1 + 22:0}' fill='#e53935' font-size='22' font-weight='700'>{E(v.Clause.TitleZh)}</text>"));
            html.Append("</svg></div>");
        }
        html.Append("<h2>违规 · Violations</h2><table><tr><th>clause</th><th>standard text</th><th>evidence</th><th>points</th></tr>");
        foreach (var v in a.Violations)
            html.Append($"<tr><td>{E(v.Clause.Key)}<br>{E(v.Clause.TitleZh)}<br><span class=muted>{E(v.Clause.TitleEn)}</span></td><td>{E(v.Clause.TextZh)}</td><td>{E(v.Reason)}</td><td>-{v.Points:0.#}</td></tr>");
        if (a.Violations.Count == 0) html.Append("<tr><td colspan=4>None 无</td></tr>");
        html.Append($"</table><p class=muted>{E(Standards.StandardPages.PointsNote)}</p>");
        return Page($"Audit {a.Id}", html.ToString());
    }

    private static async Task<IResult> AuditImage(long id, Accounts.CurrentUser user, DeskVisionDb db, EvidenceFolder evidence, CancellationToken ct)
    {
        string? relative = await db.Audits.VisibleTo(user, db).Where(a => a.Id == id).Select(a => a.SnapshotPath).FirstOrDefaultAsync(ct);
        string? path = evidence.Resolve(relative);
        return path is null ? Results.NotFound() : Results.File(path, path.EndsWith(".png") ? "image/png" : "image/jpeg");
    }
}
