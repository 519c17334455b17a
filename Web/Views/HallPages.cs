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
            string thumb = c.LastOk is long id ? $"<a href='/audits/{id}'><img src='/evidence/audits/{id}' width=160 alt='last snapshot'></a>" : "";
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
}
