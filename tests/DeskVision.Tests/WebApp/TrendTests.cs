using System.Net;
using DeskVision.Store;
using DeskVision.Tests.Reports;
using DeskVision.Web.Accounts;
using DeskVision.Web.Insights;
using static DeskVision.Tests.Reports.SeededMonth;

namespace DeskVision.Tests.WebApp;

/// <summary>Weekly trends on the seeded February and March (Monday 2026-03-02 starts the week of the March audits).</summary>
[Collection(PagesHostCollection.Name)]
public sealed class TrendTests(PagesHost host)
{
    [Fact]
    public async Task Weekly_scores_per_window_and_violations_per_clause_in_the_halls_weeks()
    {
        var month = await SeededMonth.SeedAsync(host.Database);
        var site = await month.Hall.SiteAsync();
        var manager = new CurrentUser(1, "m", "m", Roles.Manager, null, [site.Id]);
        await using var db = host.Database.NewContext();

        var trend = await new Trends(db).WeeklyAsync(manager, site, new DateOnly(2026, 3, 8), 8, default);
        Assert.Equal(new DateOnly(2026, 1, 12), trend.Weeks[0]);
        Assert.Equal(new DateOnly(2026, 3, 2), trend.Weeks[^1]);
        var w1 = trend.Windows.Single(w => w.Label == W1);
        Assert.Equal(99.5, w1.Values[^1]!.Value, 3);      // 100, 98, 100, 100
        Assert.Equal(99.0, w1.Values[^4]!.Value, 3);      // week of 02-09: 100, 98
        Assert.Null(w1.Values[0]);
        Assert.Equal(97.0, trend.Windows.Single(w => w.Label == W3).Values[^1]!.Value, 3);  // the overturned 95 counts as 100
        Assert.All(trend.Windows.Single(w => w.Label == W4).Values, Assert.Null);

        Assert.Equal([Phone, Cup, Private, Unattended, Eating], trend.Clauses.Select(c => c.Key));
        Assert.Equal([1, 2], trend.Clauses[0].Counts.Where(c => c > 0));
        Assert.Equal(2, trend.Clauses.Single(c => c.Key == Unattended).Counts[^1]);   // 03-02's was overturned
    }

    [Fact]
    public async Task Trend_page_draws_a_line_per_window_and_links_the_monthly_reports()
    {
        var month = await SeededMonth.SeedAsync(host.Database);
        var site = await month.Hall.SiteAsync();
        using var http = await host.ClientAsync(await host.UserAsync(Roles.Manager, [site.Id]));
        string page = await http.GetStringAsync($"/trends?site={month.Hall.Key}&weeks=8&to=2026-03-08");
        Assert.Contains("<svg id='trend-scores'", page);
        Assert.Equal(3, page.Split("<polyline").Length - 1);   // 1号, 2号 and 3号 have audits in two weeks (joined over the empty ones); 4号 none
        Assert.Contains("data-label='1号窗口'", page);
        Assert.DoesNotContain("data-label='4号窗口'", page);
        Assert.Contains("<td>99.5</td>", page);
        Assert.Contains($"/reports/monthly?site={month.Hall.Key}&amp;month=2026-02", page);
        Assert.Contains($"/reports/monthly?site={month.Hall.Key}&amp;month=2026-03", page);
        Assert.Contains("Average score per window per week", await http.GetStringAsync($"/trends?site={month.Hall.Key}&lang=en"));

        using var staff = await host.ClientAsync(await host.UserAsync(Roles.Staff, staffId: month.Wang));
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/trends")).StatusCode);
    }
}
