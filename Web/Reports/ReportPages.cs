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

    private static string Minus(double points) => points == 0 ? "0" : $"-{points:0.#}";

    private static IResult ScorecardPage(long id, object card)
    {
        // The JSON shape is the contract; the page shows it as tables.
        var json = System.Text.Json.JsonSerializer.SerializeToElement(card, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        var h = new StringBuilder();
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
