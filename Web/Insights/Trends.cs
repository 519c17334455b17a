using System.Text;
using DeskVision.Store;
using DeskVision.Web.Accounts;
using DeskVision.Web.Reports;
using DeskVision.Web.Resources;
using Microsoft.EntityFrameworkCore;
using static DeskVision.Web.Views.Html;

namespace DeskVision.Web.Insights;

/// <summary>Weeks (Monday first, the hall's calendar) of counted scores per window and of counted violations per clause.</summary>
public sealed class Trends(DeskVisionDb db)
{
    public sealed record Series(string Key, string Label, IReadOnlyList<double?> Values, IReadOnlyList<int> Counts);

    public sealed record Weekly(IReadOnlyList<DateOnly> Weeks, IReadOnlyList<Series> Windows, IReadOnlyList<Series> Clauses);

    public static DateOnly Monday(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    /// <summary>The <paramref name="weeks"/> weeks up to the one holding <paramref name="lastDay"/>, as a period of the site.</summary>
    public static (DateOnly FirstMonday, SitePeriod Period) Range(Site site, DateOnly lastDay, int weeks)
    {
        var first = Monday(lastDay).AddDays(-7 * (weeks - 1));
        return (first, SitePeriod.Days(site, first, Monday(lastDay).AddDays(7)));
    }

    /// <summary>Average counted score per week of each key (a window, or everything), from hour buckets.</summary>
    public static IReadOnlyList<Series> WeeklyScores(IReadOnlyList<Heatmaps.HourBucket> buckets, SitePeriod period, DateOnly firstMonday, int weeks,
        IReadOnlyList<Heatmaps.Axis> keys, Func<Heatmaps.HourBucket, string> keyOf)
    {
        var sums = new Dictionary<(string, int), (int N, double Sum)>();
        foreach (var b in buckets)
        {
            int week = (DateOnly.FromDateTime(period.Local(b.Hour)).DayNumber - firstMonday.DayNumber) / 7;
            if (week < 0 || week >= weeks) continue;
            var k = (keyOf(b), week);
            var had = sums.GetValueOrDefault(k);
            sums[k] = (had.N + b.Audits, had.Sum + b.ScoreSum);
        }
        return keys.Select(k => new Series(k.Key, k.Label,
            Enumerable.Range(0, weeks).Select(w => sums.TryGetValue((k.Key, w), out var s) && s.N > 0 ? s.Sum / s.N : (double?)null).ToList(),
            Enumerable.Range(0, weeks).Select(w => sums.GetValueOrDefault((k.Key, w)).N).ToList())).ToList();
    }

    public async Task<Weekly> WeeklyAsync(CurrentUser user, Site site, DateOnly lastDay, int weeks, CancellationToken ct)
    {
        var (first, period) = Range(site, lastDay, weeks);
        var heat = new Heatmaps(db);
        var windows = await heat.WindowsAsync(user, site.Id, ct);
        var buckets = await Heatmaps.HoursAsync(heat.OkAudits(user, site.Id, period), ct);
        var scores = WeeklyScores(buckets, period, first, weeks, windows, b => b.WindowId.ToString(PageParts.Inv));

        var clauseHours = await heat.Counted(user, site.Id, period)
            .GroupBy(v => new { v.Clause.Key, v.Audit.TakenAt.Year, v.Audit.TakenAt.Month, v.Audit.TakenAt.Day, v.Audit.TakenAt.Hour })
            .Select(g => new { g.Key.Key, g.Key.Year, g.Key.Month, g.Key.Day, g.Key.Hour, N = g.Count() })
            .ToListAsync(ct);
        var titles = await heat.TitlesAsync(clauseHours.Select(c => c.Key).Distinct().ToList(), ct);
        var clauses = clauseHours.GroupBy(c => c.Key).Select(g =>
        {
            var counts = new int[weeks];
            foreach (var c in g)
            {
                int week = (DateOnly.FromDateTime(period.Local(new DateTimeOffset(c.Year, c.Month, c.Day, c.Hour, 0, 0, TimeSpan.Zero))).DayNumber - first.DayNumber) / 7;
                if (week >= 0 && week < weeks) counts[week] += c.N;
            }
            return new Series(g.Key, titles.GetValueOrDefault(g.Key, g.Key), counts.Select(n => (double?)n).ToList(), counts);
        }).OrderByDescending(s => s.Counts.Sum()).ThenBy(s => s.Key, StringComparer.Ordinal).ToList();
        return new Weekly(Enumerable.Range(0, weeks).Select(w => first.AddDays(7 * w)).ToList(), scores, clauses);
    }
}

/// <summary><c>/trends</c>: score per window per week as a line chart, violations per clause per week, links to the monthly reports.</summary>
public static class TrendPages
{
    public static readonly int[] WeekChoices = [8, 12, 26, 52];

    public static void MapTrends(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/trends").RequireAuthorization(Policies.Manager).MapGet("", TrendPage);
    }

    private static async Task<IResult> TrendPage(CurrentUser user, Text t, HttpRequest request, DeskVisionDb db, TimeProvider clock,
        string? site, int? weeks, DateOnly? to, CancellationToken ct)
    {
        var s = await ReportPages.FindSiteAsync(db, user, site, ct);
        if (s is null) return Results.NotFound(new { problem = site is null ? "no hall you may see" : $"no hall '{site}' you may see" });
        int n = WeekChoices.Contains(weeks ?? 0) ? weeks!.Value : 12;
        var last = to ?? SitePeriod.Today(s, clock.GetUtcNow());
        var trend = await new Trends(db).WeeklyAsync(user, s, last, n, ct);
        var sites = await db.Sites.AsNoTracking().VisibleTo(user).OrderBy(x => x.Id).ToListAsync(ct);
        var x = trend.Weeks.Select(w => w.ToString("MM-dd", PageParts.Inv)).ToList();

        var h = new StringBuilder($"<h1>{E(t["Trend.Title"])} · {E(s.Name)}</h1>");
        h.Append($"<form class=dv-form method=get action='/trends'><label>{E(t["Form.Site"])}<select name=site>");
        foreach (var o in sites) h.Append($"<option value='{E(o.Key)}'{(o.Id == s.Id ? " selected" : "")}>{E(o.Name)}</option>");
        h.Append($"</select></label><label>{E(t["Trend.Weeks"])}<select name=weeks>");
        foreach (int w in WeekChoices) h.Append($"<option{(w == n ? " selected" : "")}>{w}</option>");
        h.Append($"</select></label><label>{E(t["Trend.Until"])}<input type=date name=to value='{last:yyyy-MM-dd}'></label><button>{E(t["Form.Show"])}</button></form>");

        h.Append($"<h2>{E(t["Trend.Scores"])}</h2><p class=muted>{E(t["Trend.ScoresHint"])}</p>");
        var shown = trend.Windows.Where(w => w.Values.Any(v => v is not null)).ToList();
        if (shown.Count == 0) h.Append($"<p>{E(t["Trend.NoAudits"])}</p>");
        else
        {
            h.Append(Charts.Lines("trend-scores", x, shown.Select(w => new Charts.Line(w.Label, w.Values)).ToList(), yFloor: 0, yCeiling: 100, yLabel: t["Heat.Score"]));
            h.Append($"<details><summary>{E(t["Trend.Table"])}</summary><table id=trend-table><tr><th>{E(t["Heat.Window"])}</th>");
            foreach (string w in x) h.Append($"<th>{E(w)}</th>");
            h.Append("</tr>");
            foreach (var w in shown)
            {
                h.Append($"<tr><td>{E(w.Label)}</td>");
                foreach (var v in w.Values) h.Append($"<td>{(v is double d ? PageParts.N(d) : "")}</td>");
                h.Append("</tr>");
            }
            h.Append("</table></details>");
        }

        h.Append($"<h2>{E(t["Trend.Clauses"])}</h2>");
        if (trend.Clauses.Count == 0) h.Append($"<p>{E(t["Heat.NoViolations"])}</p>");
        else
        {
            int max = trend.Clauses.Max(c => c.Counts.Max());
            h.Append($"<table class=heat id=trend-clauses><tr><th class=row>{E(t["Heat.Clause"])}</th>");
            foreach (string w in x) h.Append($"<th>{E(w)}</th>");
            h.Append($"<th>{E(t["Trend.Total"])}</th></tr>");
            foreach (var c in trend.Clauses)
            {
                h.Append($"<tr><th class='row zh'>{E(c.Label)}<br><span class=muted>{E(c.Key)}</span></th>");
                foreach (int count in c.Counts)
                {
                    string colour = PageParts.HotColour(count, max);
                    h.Append($"<td style='background:{colour};color:{PageParts.Ink(colour)}'>{(count == 0 ? "" : count.ToString(PageParts.Inv))}</td>");
                }
                h.Append($"<td><b>{c.Counts.Sum()}</b></td></tr>");
            }
            h.Append("</table>").Append(PageParts.HotLegend(t, max));
        }

        h.Append($"<h2>{E(t["Trend.Monthly"])}</h2><p>");
        var months = trend.Weeks.SelectMany(w => new[] { w, w.AddDays(6) }).Select(d => new DateOnly(d.Year, d.Month, 1)).Distinct().Order();
        foreach (var m in months)
            h.Append($"<a href='{E($"/reports/monthly?site={Uri.EscapeDataString(s.Key)}&month={m:yyyy-MM}")}'>{m:yyyy-MM}</a> ");
        h.Append($"</p><p class=muted>{E(MonthlyReport.PointsNote)}</p>");
        return PageParts.Page(t["Trend.Title"], t, request, user, h.ToString());
    }
}
