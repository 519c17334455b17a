using DeskVision.Web.Accounts;
using System.Globalization;
using System.Text;
using DeskVision.Store;
using Microsoft.EntityFrameworkCore;
using static DeskVision.Web.Views.Html;

namespace DeskVision.Web.Reports;

/// <summary>
/// The reports: the monthly window report (printable page, CSV, Excel, JSON), the 日清日结 daily summary, the roll-ups
/// and an audit's scorecard. <c>site</c> is a site key (default: the first site); months are <c>2026-11</c>, days
/// <c>2026-11-24</c>, in the site's own time zone.
/// </summary>
public static class ReportPages
{
    /// <summary>Everything this folder serves; Hosts maps it with one line.</summary>
    public static void MapReports(this IEndpointRouteBuilder app)
    {
        app.MapGroup("").RequireAuthorization(Policies.Manager).MapReportPages();
        app.MapAppealPages();
        app.MapViolationApi();
        app.MapGroup("").RequireAuthorization(Policies.Manager).MapRosterApi();
    }

    public static void MapReportPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/reports/monthly", async (CurrentUser user, DeskVisionDb db, TimeProvider clock, string? site, string? month, CancellationToken ct) =>
            await WithMonthAsync(db, user, clock, site, month, ct, r => MonthlyPage(r)));
        app.MapGet("/reports/monthly.csv", async (CurrentUser user, DeskVisionDb db, TimeProvider clock, string? site, string? month, string? table, CancellationToken ct) =>
            await WithMonthAsync(db, user, clock, site, month, ct, r =>
            {
                string which = table ?? "windows";
                if (!ReportTables.Tables.Contains(which)) return Results.BadRequest(new { problem = $"table must be one of {string.Join(", ", ReportTables.Tables)}" });
                var (header, rows) = ReportTables.Table(r, which);
                return Results.File(Csv.Encode(header, rows), Csv.ContentType, $"monthly-{r.Site}-{r.Month}-{which}.csv");
            }));
        app.MapGet("/reports/monthly.xlsx", async (CurrentUser user, DeskVisionDb db, TimeProvider clock, string? site, string? month, CancellationToken ct) =>
            await WithMonthAsync(db, user, clock, site, month, ct, r => Results.File(ReportWorkbook.Write(r), ReportWorkbook.ContentType, $"monthly-{r.Site}-{r.Month}.xlsx")));
        app.MapGet("/api/reports/monthly", async (CurrentUser user, DeskVisionDb db, TimeProvider clock, string? site, string? month, CancellationToken ct) =>
            await WithMonthAsync(db, user, clock, site, month, ct, r => Results.Ok(new { report = r, stars = r.Stars, lowest = r.Lowest, pointsNote = MonthlyReport.PointsNote })));

        app.MapGet("/reports/daily", async (CurrentUser user, DeskVisionDb db, TimeProvider clock, string? site, DateOnly? date, CancellationToken ct) =>
        {
            var s = await FindSiteAsync(db, user, site, ct);
            if (s is null) return NoSite(site);
            return DailyPage(await new DailySummaries(db).BuildAsync(s, date ?? SitePeriod.Today(s, clock.GetUtcNow()), ct));
        });
        app.MapGet("/api/reports/daily", async (CurrentUser user, DeskVisionDb db, TimeProvider clock, string? site, DateOnly? date, CancellationToken ct) =>
        {
            var s = await FindSiteAsync(db, user, site, ct);
            return s is null ? NoSite(site) : Results.Ok(await new DailySummaries(db).BuildAsync(s, date ?? SitePeriod.Today(s, clock.GetUtcNow()), ct));
        });

        // /api/rollups/window?month=2026-11, or ?from=2026-11-01&to=2026-12-01 (to exclusive).
        app.MapGet("/api/rollups/{dimension}", async (string dimension, CurrentUser user, DeskVisionDb db, TimeProvider clock, string? site, string? month,
            DateOnly? from, DateOnly? to, CancellationToken ct) =>
        {
            if (!Rollups.Dimensions.Contains(dimension))
                return Results.BadRequest(new { problem = $"roll-up must be one of {string.Join(", ", Rollups.Dimensions)}" });
            var s = await FindSiteAsync(db, user, site, ct);
            if (s is null) return NoSite(site);
            SitePeriod period;
            try
            {
                period = from is not null || to is not null
                    ? SitePeriod.Days(s, from ?? DateOnly.FromDateTime(DateTime.UnixEpoch), to ?? SitePeriod.Today(s, clock.GetUtcNow()).AddDays(1))
                    : SitePeriod.Month(s, month, clock.GetUtcNow());
            }
            catch (FormatException e) { return Results.BadRequest(new { problem = e.Message }); }
            return Results.Ok(new
            {
                site = s.Key, dimension, from = period.First, to = period.End,
                rows = await new Rollups(db).ByAsync(dimension, s, period, ct), pointsNote = MonthlyReport.PointsNote,
            });
        });

        app.MapGet("/audits/{id:long}/scorecard", async (long id, CurrentUser user, DeskVisionDb db, CancellationToken ct) =>
            await db.Audits.VisibleTo(user, db).AnyAsync(a => a.Id == id, ct) && await ViolationApi.ScorecardAsync(db, id, ct) is { } card
                ? ScorecardPage(id, card) : Results.NotFound());
    }

    /// <summary>The hall asked for (or the first one), among those the user manages: another hall's report is "not found".</summary>
    public static async Task<Site?> FindSiteAsync(DeskVisionDb db, CurrentUser user, string? key, CancellationToken ct) =>
        await db.Sites.AsNoTracking().VisibleTo(user).Where(s => key == null || s.Key == key).OrderBy(s => s.Id).FirstOrDefaultAsync(ct);

    private static IResult NoSite(string? key) => Results.NotFound(new { problem = key is null ? "no site is configured yet" : $"no site '{key}'" });

    private static async Task<IResult> WithMonthAsync(DeskVisionDb db, CurrentUser user, TimeProvider clock, string? siteKey, string? month, CancellationToken ct,
        Func<MonthlyReport, IResult> render)
    {
        var site = await FindSiteAsync(db, user, siteKey, ct);
        if (site is null) return NoSite(siteKey);
        SitePeriod period;
        try { period = SitePeriod.Month(site, month, clock.GetUtcNow()); }
        catch (FormatException e) { return Results.BadRequest(new { problem = e.Message }); }
        return render(await new MonthlyReports(db, clock).BuildAsync(site, period, ct));
    }

    private const string PrintStyle = """
        <style>
        .star{background:#fff8e1;border-left:6px solid #f9a825;padding:.6rem 1rem;margin:1rem 0}
        .rectify{background:#ffebee;border-left:6px solid #c62828;padding:.6rem 1rem;margin:1rem 0}
        .note{background:#eef2f7;padding:.5rem .8rem;font-size:.9em;margin-top:1.5rem}
        .up{color:#1a7f37}.down{color:#c62828} td.n,th.n{text-align:right}
        @media print{header,.noprint{display:none}body{background:#fff}main{max-width:none;padding:0}table{page-break-inside:auto}tr{page-break-inside:avoid}}
        </style>
        """;

    private static string N(double? v) => ReportTables.Score(v);

    private static string Minus(double points) => points == 0 ? "0" : $"-{points:0.#}";

    private static string Trend(double? t) => t switch
    {
        null => "<span class=muted>–</span>",
        > 0.005 => $"<span class=up>▲ {t:0.##}</span>",
        < -0.005 => $"<span class=down>▼ {-t:0.##}</span>",
        _ => "= 0",
    };

    private static string Local(DateTimeOffset t, string? zone = null) =>
        new Views.HallTime(zone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var z) ? z : TimeZoneInfo.Utc, TimeProvider.System).Format(t);

    private static IResult MonthlyPage(MonthlyReport r)
    {
        var month = DateOnly.ParseExact(r.Month + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture);
        string q(DateOnly m) => $"site={Uri.EscapeDataString(r.Site)}&month={m:yyyy-MM}";
        var h = new StringBuilder(PrintStyle);
        h.Append($"<h1>{E(r.SiteName)} · 窗口服务月度汇总 {E(r.Month)}</h1>");
        h.Append($"<p class=noprint><a href='/reports/monthly?{q(month.AddMonths(-1))}'>◀ {month.AddMonths(-1):yyyy-MM}</a> · <a href='/reports/monthly?{q(month.AddMonths(1))}'>{month.AddMonths(1):yyyy-MM} ▶</a>" +
                 $" · <a href='/reports/monthly.xlsx?{q(month)}'>Excel</a> · CSV: {string.Join(" ", ReportTables.Tables.Select(t => $"<a href='/reports/monthly.csv?{q(month)}&table={t}'>{t}</a>"))}" +
                 " · <span class=muted>print 打印: Ctrl+P, the page is laid out for paper</span></p>");
        h.Append($"<p>Monthly window report · {r.Audits} audits · average score <b>{N(r.AverageScore)}</b> (previous month {E(r.PreviousMonth)}: {N(r.PreviousAverageScore)}, {Trend(r.AverageScore - r.PreviousAverageScore)})" +
                 $" · {r.Violations} violations · {r.Overturned} overturned on appeal</p>");

        var stars = r.Stars.ToList();
        h.Append(stars.Count == 0
            ? "<div class=star>本月服务明星: none — no window was audited this month.</div>"
            : $"<div class=star><b>本月服务明星 · Service star of the month:</b> {string.Join(", ", stars.Select(s => $"<b>{E(s.Window)}</b> ({N(s.AverageScore)})"))}</div>");

        h.Append("<h2>窗口排名 · Windows ranked by average score</h2><table><tr><th class=n>rank</th><th>window</th><th class=n>audits</th><th class=n>average</th><th>vs previous month</th><th class=n>previous rank</th><th class=n>violations</th><th class=n>points</th><th class=n>open</th><th class=n>overturned</th></tr>");
        foreach (var w in r.Windows)
            h.Append($"<tr><td class=n>{(w.Rank is { } k ? k : "–")}</td><td>{E(w.Window)}{(w.IsStar ? " ★" : "")}{(w.IsLowest ? " <span class=down>整改</span>" : "")}</td>" +
                     $"<td class=n>{w.Audits}</td><td class=n>{N(w.AverageScore)}</td><td>{Trend(w.Trend)}</td><td class=n>{(w.PreviousRank is { } p ? p : "–")}</td>" +
                     $"<td class=n>{w.Violations}</td><td class=n>{w.Points:0.#}</td><td class=n>{w.Open}</td><td class=n>{w.Overturned}</td></tr>");
        h.Append("</table>");

        var lowest = r.Lowest.ToList();
        if (lowest.Count > 0)
        {
            h.Append($"<div class=rectify><b>整改 · For rectification:</b> {string.Join(", ", lowest.Select(w => $"{E(w.Window)} ({N(w.AverageScore)})"))} — the open violations below are still to be put right.</div>");
            h.Append("<table><tr><th>window</th><th>clause</th><th>zone</th><th class=n>times seen</th><th>first seen</th><th>last seen</th><th>on duty</th><th>latest audit</th></tr>");
            foreach (var o in r.OpenForRectification)
                h.Append($"<tr><td>{E(o.Window)}</td><td>{E(o.TitleZh)}<br><span class=muted>{E(o.Clause)}</span></td><td>{E(o.Zone)}</td><td class=n>{o.Times}</td>" +
                         $"<td>{Local(o.FirstSeen, r.TimeZone)}</td><td>{Local(o.LastSeen, r.TimeZone)}</td><td>{E(o.Staff.Count == 0 ? Rollups.NoOneOnRoster : string.Join(" ", o.Staff))}</td>" +
                         $"<td><a href='/audits/{o.LatestAuditId}'>{o.LatestAuditId}</a></td></tr>");
            if (r.OpenForRectification.Count == 0) h.Append("<tr><td colspan=8>No open violations: all rectified 已全部整改</td></tr>");
            h.Append("</table>");
        }

        h.Append("<h2>条款 · Violations per clause</h2><table><tr><th>clause</th><th>category</th><th>6S pillar</th><th class=n>count</th><th class=n>points</th><th class=n>previous month</th><th>per window</th></tr>");
        foreach (var c in r.Clauses)
            h.Append($"<tr><td>{E(c.TitleZh)}<br><span class=muted>{E(c.Clause)}</span></td><td>{E(c.Category)}</td><td>{E(c.Pillar ?? Rollups.Unmapped)}</td><td class=n>{c.Count}</td>" +
                     $"<td class=n>{c.Points:0.#}</td><td class=n>{c.PreviousCount}</td><td>{E(string.Join(" · ", c.ByWindow.Select(p => $"{p.Key} {p.Value}")))}</td></tr>");
        if (r.Clauses.Count == 0) h.Append("<tr><td colspan=7>None 无</td></tr>");
        h.Append("</table>");

        AppendRollup(h, "6S · Per pillar", "pillar", r.Pillars);
        AppendRollup(h, "人员 · Per staff member on duty", "staff", r.Staff);

        h.Append($"<div class=note><p>Method: {E(MonthlyReport.Source)} — “每个月对各窗口服务评价结果进行汇总，对评价满意较多的，作为‘本月服务明星’，对评价不满意的窗口，认真分析存在问题，及时进行整改。” {E(MonthlyReport.MethodNote)}</p>" +
                 $"<p><b>{E(MonthlyReport.PointsNote)}</b></p><p class=muted>Generated {Local(r.GeneratedAt, r.TimeZone)}; times are the hall's ({E(r.TimeZone)}). Open counts are as of now; violations belong to whoever the duty roster has on duty at the audit's time.</p></div>");
        return Page($"Monthly report {r.Month}", h.ToString());
    }

    private static void AppendRollup(StringBuilder h, string title, string what, IReadOnlyList<RollupRow> rows)
    {
        h.Append($"<h2>{E(title)}</h2><table><tr><th>{E(what)}</th><th class=n>audits</th><th class=n>average</th><th class=n>violations</th><th class=n>points</th><th class=n>open</th><th class=n>overturned</th></tr>");
        foreach (var x in rows)
            h.Append($"<tr><td>{E(x.Label)}</td><td class=n>{x.Audits}</td><td class=n>{N(x.AverageScore)}</td><td class=n>{x.Violations}</td><td class=n>{x.Points:0.#}</td><td class=n>{x.Open}</td><td class=n>{x.Overturned}</td></tr>");
        h.Append("</table>");
    }

    private static IResult DailyPage(DailySummary d)
    {
        string q(DateOnly day) => $"site={Uri.EscapeDataString(d.Site)}&date={day:yyyy-MM-dd}";
        var h = new StringBuilder(PrintStyle);
        h.Append($"<h1>{E(d.SiteName)} · 日清日结 {d.Day:yyyy-MM-dd}</h1>");
        h.Append($"<p class=noprint><a href='/reports/daily?{q(d.Day.AddDays(-1))}'>◀ {d.Day.AddDays(-1):MM-dd}</a> · <a href='/reports/daily?{q(d.Day.AddDays(1))}'>{d.Day.AddDays(1):MM-dd} ▶</a>" +
                 $" · <a href='/reports/monthly?site={Uri.EscapeDataString(d.Site)}&month={d.Day:yyyy-MM}'>monthly report</a> · <span class=muted>print 打印: Ctrl+P, the page is laid out for paper</span></p>");
        h.Append("<table><tr><th>window</th><th>on duty</th><th class=n>audits</th><th class=n>average</th><th class=n>found today</th><th>by clause</th><th class=n>of those still open</th><th class=n>open at day end (all)</th></tr>");
        foreach (var w in d.Windows)
            h.Append($"<tr><td>{E(w.Window)}</td><td>{E(w.OnDuty.Count == 0 ? Rollups.NoOneOnRoster : string.Join(" ", w.OnDuty))}" +
                     (w.Unrostered > 0 ? $"<br><span class=muted>{w.Unrostered} audit(s) with no one on the roster</span>" : "") +
                     $"</td><td class=n>{w.Audits}</td><td class=n>{N(w.AverageScore)}</td><td class=n>{w.Found}</td>" +
                     $"<td>{E(string.Join(" · ", w.FoundByClause.Select(p => $"{p.Key} ×{p.Value}")))}</td><td class=n>{w.FoundStillOpen}</td><td class=n>{w.OpenAtDayEnd}</td></tr>");
        h.Append($"</table><div class=note><p>002 四: “工作要日清日结，每天都要对当天的情况进行检查，发现问题及时纠正，及时处理”. A violation is open until a later audit of the same camera no longer shows it, or a manager closes it with a note; overturned appeals are not counted.</p><p><b>{E(MonthlyReport.PointsNote)}</b></p></div>");
        return Page($"日清日结 {d.Day:yyyy-MM-dd}", h.ToString());
    }

    private static IResult ScorecardPage(long id, object card)
    {
        // The JSON shape is the contract; the page shows it as tables.
        var json = System.Text.Json.JsonSerializer.SerializeToElement(card, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        var h = new StringBuilder(PrintStyle);
        h.Append($"<h1>{E(json.GetProperty("window").GetString())} · audit {id} scorecard</h1>");
        h.Append($"<p><a href='/audits/{id}'>snapshot and evidence</a> · on duty: <b>{E(json.GetProperty("onDuty").GetString())}</b></p>");
        var score = json.GetProperty("score");
        h.Append(score.ValueKind == System.Text.Json.JsonValueKind.Null ? "<p class=failed>failed audit: no score</p>"
            : $"<div class='score {ScoreClass(score.GetDouble())}'>{score.GetDouble():0.#} / 100</div><p class=muted>as scored: {json.GetProperty("scoredAs").GetDouble():0.#}; overturned appeals give their points back</p>");
        h.Append("<h2>Deductions per category and 6S pillar</h2><table><tr><th>category</th><th class=n>violations</th><th class=n>points</th></tr>");
        foreach (var c in json.GetProperty("categories").EnumerateArray())
            h.Append($"<tr><td>{E(c.GetProperty("category").GetString())}</td><td class=n>{c.GetProperty("violations").GetInt32()}</td><td class=n>{Minus(c.GetProperty("points").GetDouble())}</td></tr>");
        h.Append("</table><table><tr><th>pillar</th><th class=n>violations</th><th class=n>points</th></tr>");
        foreach (var p in json.GetProperty("pillars").EnumerateArray())
            h.Append($"<tr><td>{E(p.GetProperty("pillar").GetString())}</td><td class=n>{p.GetProperty("violations").GetInt32()}</td><td class=n>{Minus(p.GetProperty("points").GetDouble())}</td></tr>");
        h.Append("</table><h2>Violations</h2><table><tr><th>id</th><th>clause</th><th>zone</th><th class=n>points</th><th>state</th><th>appeal</th></tr>");
        foreach (var v in json.GetProperty("violations").EnumerateArray())
        {
            var appeal = v.GetProperty("appeal");
            string state = v.GetProperty("state").GetString()!;
            string detail = state switch
            {
                "rectified" => $"rectified by audit <a href='/audits/{v.GetProperty("rectifiedByAuditId").GetInt64()}'>{v.GetProperty("rectifiedByAuditId").GetInt64()}</a> after {E(v.GetProperty("timeToRectify").GetString())}",
                "closed" => $"closed by {E(v.GetProperty("closedBy").GetString())}: {E(v.GetProperty("closeNote").GetString())}",
                _ => state,
            };
            h.Append($"<tr><td>{v.GetProperty("id").GetInt64()}</td><td>{E(v.GetProperty("titleZh").GetString())}<br><span class=muted>{E(v.GetProperty("clause").GetString())}</span></td>" +
                     $"<td>{E(v.GetProperty("zone").GetString())}</td><td class=n>{Minus(v.GetProperty("points").GetDouble())}</td><td>{detail}</td>" +
                     $"<td>{(appeal.ValueKind == System.Text.Json.JsonValueKind.Null ? "" : $"{E(appeal.GetProperty("staff").GetString() ?? Appeals.ByReview)}: {E(appeal.GetProperty("reason").GetString())} — {E(appeal.GetProperty("outcome").GetString() ?? "pending")} {E(appeal.GetProperty("decisionNote").GetString())}")}</td></tr>");
        }
        h.Append($"</table><div class=note><b>{E(MonthlyReport.PointsNote)}</b></div>");
        return Page($"Audit {id} scorecard", h.ToString());
    }
}
