using System.Text;
using DeskVision.Store;
using DeskVision.Web.Accounts;
using DeskVision.Web.Audits;
using DeskVision.Web.Reports;
using DeskVision.Web.Resources;
using Microsoft.EntityFrameworkCore;
using static DeskVision.Web.Views.Html;

namespace DeskVision.Web.Insights;

/// <summary>
/// <c>/heatmaps</c>: windows × hour of day (or × day of month) coloured by violations or average score, clauses ×
/// windows, and where on the desk violations occur (a density overlay on the window camera's latest snapshot). Every
/// cell links to the audits behind it. Plain HTML tables and links: no script, no chart library, nothing from a CDN.
/// </summary>
public static class HeatmapPages
{
    public const int CellListLimit = 200;

    public static void MapHeatmaps(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/heatmaps").RequireAuthorization(Policies.Manager);
        group.MapGet("", HeatmapPage);
        group.MapGet("/audits", CellAudits);
        group.MapGet("/density.png", DensityImage);
    }

    /// <summary>The site (default the first the user may see) and the month (default the current one), or why not.</summary>
    internal static async Task<(Site? Site, SitePeriod? Period, IResult? Problem)> SiteMonthAsync(DeskVisionDb db, CurrentUser user, TimeProvider clock,
        string? site, string? month, CancellationToken ct)
    {
        var s = await ReportPages.FindSiteAsync(db, user, site, ct);
        if (s is null) return (null, null, Results.NotFound(new { problem = site is null ? "no hall you may see" : $"no hall '{site}' you may see" }));
        try { return (s, SitePeriod.Month(s, month, clock.GetUtcNow()), null); }
        catch (FormatException e) { return (s, null, Results.BadRequest(new { problem = e.Message })); }
    }

    private static async Task<IResult> HeatmapPage(CurrentUser user, Text t, HttpRequest request, DeskVisionDb db, TimeProvider clock,
        string? site, string? month, string? by, string? measure, int? window, CancellationToken ct)
    {
        var (s, period, problem) = await SiteMonthAsync(db, user, clock, site, month, ct);
        if (problem is not null) return problem;
        bool byDay = by == "day", byScore = measure == "score";
        var heat = new Heatmaps(db);
        var sites = await db.Sites.AsNoTracking().VisibleTo(user).OrderBy(x => x.Id).ToListAsync(ct);
        var time = await heat.WindowsByTimeAsync(user, s!.Id, period!, byDay, ct);
        var clauses = await heat.ClausesByWindowAsync(user, s.Id, period!, ct);
        string baseQuery = $"site={Uri.EscapeDataString(s.Key)}&month={period!.MonthName}";

        var h = new StringBuilder($"<h1>{E(t["Heat.Title"])} · {E(s.Name)} · {period.MonthName}</h1>");
        h.Append(PageParts.SiteMonthForm(t, "/heatmaps", sites, s, period.MonthName, ("by", by), ("measure", measure)));

        // 1. Windows × time.
        h.Append($"<h2>{E(t["Heat.ByTime"])}</h2><p>");
        string Toggle(string label, string query, bool on) => on ? $"<b>{E(label)}</b>" : $"<a href='{E($"/heatmaps?{baseQuery}&{query}")}'>{E(label)}</a>";
        h.Append(Toggle(t["Heat.ByHour"], $"by=hour&measure={(byScore ? "score" : "violations")}", !byDay)).Append(" | ")
         .Append(Toggle(t["Heat.ByDay"], $"by=day&measure={(byScore ? "score" : "violations")}", byDay)).Append(" &nbsp; · &nbsp; ")
         .Append(Toggle(t["Heat.Violations"], $"by={(byDay ? "day" : "hour")}&measure=violations", !byScore)).Append(" | ")
         .Append(Toggle(t["Heat.Score"], $"by={(byDay ? "day" : "hour")}&measure=score", byScore))
         .Append($"</p><p class=muted>{E(t["Heat.ClickHint"])} {E(t["Heat.LocalTime"])}</p>");
        if (time.Rows.Count == 0) h.Append($"<p>{E(t["Heat.NoWindows"])}</p>");
        else
        {
            h.Append($"<table class='heat' id='heat-time'><tr><th class=row>{E(t["Heat.Window"])}</th>");
            foreach (var c in time.Columns) h.Append($"<th title='{E(c.Detail)}'>{E(c.Label)}</th>");
            h.Append("</tr>");
            int max = time.MaxViolations;
            foreach (var r in time.Rows)
            {
                h.Append($"<tr><th class=row>{E(r.Label)}</th>");
                foreach (var c in time.Columns)
                {
                    var cell = time.At(r.Key, c.Key);
                    if (cell.Audits == 0) { h.Append("<td style='background:#fafafa'></td>"); continue; }
                    string colour = byScore ? PageParts.ScoreColour(cell.AverageScore!.Value) : PageParts.HotColour(cell.Violations, max);
                    string value = byScore ? PageParts.N(cell.AverageScore!.Value, "0") : cell.Violations.ToString(PageParts.Inv);
                    string tip = t.F("Heat.CellTip", r.Label, c.Detail, cell.Audits, cell.Violations, PageParts.N(cell.AverageScore!.Value));
                    string link = $"/heatmaps/audits?{baseQuery}&window={r.Key}&{(byDay ? "day" : "hour")}={c.Key}";
                    h.Append($"<td style='background:{colour};color:{PageParts.Ink(colour)}'><a href='{E(link)}' title='{E(tip)}'>{value}</a></td>");
                }
                h.Append("</tr>");
            }
            h.Append("</table>").Append(byScore ? PageParts.ScoreLegend(t) : PageParts.HotLegend(t, max));
        }

        // 2. Clauses × windows.
        h.Append($"<h2>{E(t["Heat.Clauses"])}</h2>");
        if (clauses.Rows.Count == 0) h.Append($"<p>{E(t["Heat.NoViolations"])}</p>");
        else
        {
            h.Append($"<table class='heat' id='heat-clauses'><tr><th class=row>{E(t["Heat.Clause"])}</th>");
            foreach (var c in clauses.Columns) h.Append($"<th>{E(c.Label)}</th>");
            h.Append("</tr>");
            int max = clauses.MaxViolations;
            foreach (var r in clauses.Rows)
            {
                h.Append($"<tr><th class='row zh' title='{E(r.Key)}'>{E(r.Label)}<br><span class=muted>{E(r.Key)}</span></th>");
                foreach (var c in clauses.Columns)
                {
                    var cell = clauses.At(r.Key, c.Key);
                    if (cell.Violations == 0) { h.Append("<td style='background:#f7f7f7'></td>"); continue; }
                    string colour = PageParts.HotColour(cell.Violations, max);
                    string link = $"/heatmaps/audits?{baseQuery}&window={c.Key}&clause={Uri.EscapeDataString(r.Key)}";
                    h.Append($"<td style='background:{colour};color:{PageParts.Ink(colour)}'><a href='{E(link)}' title='{E(t.F("Heat.ClauseTip", c.Label, r.Label, cell.Violations, cell.Audits))}'>{cell.Violations}</a></td>");
                }
                h.Append("</tr>");
            }
            h.Append("</table>").Append(PageParts.HotLegend(t, max));
        }

        // 3. Where on the desk: one window at a time.
        h.Append($"<h2>{E(t["Heat.Density"])}</h2><p class=muted>{E(t["Heat.DensityHint"])}</p>");
        if (time.Rows.Count > 0)
        {
            string chosen = window?.ToString(PageParts.Inv) is { } wk && time.Rows.Any(r => r.Key == wk) ? wk : time.Rows[0].Key;
            h.Append("<p>");
            foreach (var r in time.Rows)
                h.Append(r.Key == chosen ? $"<b>{E(r.Label)}</b> " : $"<a href='{E($"/heatmaps?{baseQuery}&by={(byDay ? "day" : "hour")}&measure={(byScore ? "score" : "violations")}&window={r.Key}#density")}'>{E(r.Label)}</a> ");
            h.Append($"</p><img id=density src='{E($"/heatmaps/density.png?{baseQuery}&window={chosen}")}' alt='{E(t["Heat.Density"])}' style='max-width:100%'>");
        }
        return PageParts.Page(t["Heat.Title"], t, request, user, h.ToString());
    }

    private static async Task<IResult> CellAudits(CurrentUser user, Text t, HttpRequest request, DeskVisionDb db, TimeProvider clock,
        string? site, string? month, int? window, int? hour, int? day, string? clause, CancellationToken ct)
    {
        var (s, period, problem) = await SiteMonthAsync(db, user, clock, site, month, ct);
        if (problem is not null) return problem;
        var heat = new Heatmaps(db);
        var lines = await heat.AuditsAsync(user, s!.Id, period!, window, hour, day, clause, CellListLimit, ct);
        string? windowName = window is null ? null
            : await db.Windows.AsNoTracking().VisibleTo(user, db).Where(w => w.Id == window).Select(w => w.Name).FirstOrDefaultAsync(ct);
        if (window is not null && windowName is null) return Results.NotFound();
        string? clauseTitle = clause is null ? null : await db.Clauses.AsNoTracking().Where(c => c.Key == clause).OrderByDescending(c => c.Id).Select(c => c.TitleZh).FirstOrDefaultAsync(ct);

        var what = new List<string>();
        if (windowName is not null) what.Add(windowName);
        if (hour is int hh) what.Add(t.F("Cell.Hour", hh));
        if (day is int dd) what.Add(period!.First.AddDays(dd - 1).ToString("yyyy-MM-dd", PageParts.Inv));
        if (clause is not null) what.Add($"{clauseTitle} ({clause})");
        var h = new StringBuilder($"<h1>{E(t["Cell.Title"])}</h1><p><b>{E(string.Join(" · ", what))}</b> · {E(s.Name)} · {period!.MonthName}</p>");
        h.Append($"<p><a href='{E($"/heatmaps?site={Uri.EscapeDataString(s.Key)}&month={period.MonthName}")}'>{E(t["Cell.Back"])}</a></p>");
        h.Append($"<table id=cell-audits><tr><th>{E(t["Cell.Time"])}</th><th>{E(t["Heat.Window"])}</th><th>{E(t["Cell.Score"])}</th><th>{E(t["Heat.Violations"])}</th><th></th></tr>");
        foreach (var a in lines)
            h.Append($"<tr><td><a href='/audits/{a.Id}'>{period.Local(a.TakenAt):yyyy-MM-dd HH:mm:ss}</a></td><td>{E(a.Window)}</td><td>{PageParts.N(a.Score)}</td>" +
                     $"<td>{a.Violations}</td><td><a href='/review/{a.Id}'>{E(t["Cell.Review"])}</a></td></tr>");
        if (lines.Count == 0) h.Append($"<tr><td colspan=5>{E(t["Common.None"])}</td></tr>");
        h.Append("</table>");
        if (lines.Count == CellListLimit) h.Append($"<p class=muted>{E(t.F("Cell.Shown", CellListLimit))}</p>");
        return PageParts.Page(t["Cell.Title"], t, request, user, h.ToString());
    }

    private static async Task<IResult> DensityImage(CurrentUser user, DeskVisionDb db, TimeProvider clock, EvidenceFolder evidence,
        string? site, string? month, int window, CancellationToken ct)
    {
        var (s, period, problem) = await SiteMonthAsync(db, user, clock, site, month, ct);
        if (problem is not null) return problem;
        var camera = await db.Cameras.AsNoTracking().VisibleTo(user).Include(c => c.Zones).Where(c => c.WindowId == window && c.Window.SiteId == s!.Id)
            .OrderBy(c => c.Id).FirstOrDefaultAsync(ct);
        if (camera is null) return Results.NotFound();
        // The latest snapshot of the window's camera is the picture to draw on (the reference view).
        string? snapshot = await db.Audits.AsNoTracking().VisibleTo(user, db)
            .Where(a => a.CameraId == camera.Id && a.SnapshotPath != null && a.Status != AuditStatuses.Failed)
            .OrderByDescending(a => a.TakenAt).Select(a => a.SnapshotPath).FirstOrDefaultAsync(ct);
        var boxes = await new Heatmaps(db).Counted(user, s!.Id, period!)
            .Where(v => v.Audit.Camera.WindowId == window && v.Audit.ImageWidth > 0 && v.Audit.ImageHeight > 0 && v.X2 > v.X1)
            .OrderByDescending(v => v.Id).Take(20_000)
            .Select(v => new DensityOverlay.NormalBox((double)v.X1 / v.Audit.ImageWidth, (double)v.Y1 / v.Audit.ImageHeight,
                (double)v.X2 / v.Audit.ImageWidth, (double)v.Y2 / v.Audit.ImageHeight))
            .ToListAsync(ct);
        var zones = camera.Zones.OrderBy(z => z.Id).Select(z => (IReadOnlyList<(double, double)>)z.Polygon.Select(p => (p[0], p[1])).ToList()).ToList();
        byte[] png = DensityOverlay.Render(evidence.Resolve(snapshot), boxes, zones);
        return Results.File(png, "image/png");
    }
}
