using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DeskVision.Store;
using DeskVision.Tests.Fixtures;
using DeskVision.Tests.Reports;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace DeskVision.Tests.Pages;

/// <summary>
/// Every link and picture on the main pages, followed on the running app as a hall's manager and as a staff member:
/// none may answer 404, 403 or 500. A link a user may not follow is a dead end for them, so it should not be shown.
/// </summary>
[Collection(RunningAppCollection.Name)]
public sealed partial class LinkTests(RunningApp app, ITestOutputHelper output)
{
    /// <summary>How far from the start pages links are followed, and how many addresses of one shape are tried.</summary>
    private const int Depth = 2, PerShape = 3;

    private async Task<(SeededMonth Month, Site Site, long Uploaded)> HallAsync()
    {
        var month = await SeededMonth.SeedAsync(app.Database);
        var site = await month.Hall.SiteAsync();
        // One audit of today with a stored snapshot, so the overview has a picture to show and link.
        var upload = new ByteArrayContent(File.ReadAllBytes(TestData.Coco("000000000387.jpg")));
        upload.Headers.ContentType = new("image/jpeg");
        var created = await app.Http.PostAsync($"/api/cameras/{month.Hall.Key}-w1/snapshots", upload);
        created.EnsureSuccessStatusCode();
        long uploaded = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("auditId").GetInt64();
        return (month, site, uploaded);
    }

    [Fact]
    public async Task Manager_follows_every_link_of_the_main_pages_and_none_is_dead()
    {
        var (month, site, uploaded) = await HallAsync();
        string user = $"links-manager-{Guid.NewGuid():N}"[..22];
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, user, Roles.Manager, null, site.Id);
        using var http = await SignedInClient.SignInAsync(app.BaseUrl, user);
        string q = $"site={month.Hall.Key}";

        var (visited, dead) = await CrawlAsync(http, "/", $"/heatmaps?{q}&month=2026-03", $"/trends?{q}&weeks=8&to=2026-03-31", $"/reports/monthly?{q}&month=2026-03",
            $"/reports/daily?{q}&date=2026-03-03", "/appeals", "/staff", "/cameras", $"/audits/{uploaded}");

        Assert.Empty(dead);
        // The links the pages promise are there and were followed.
        Assert.Contains($"/review/{uploaded}", visited);
        Assert.Contains($"/cameras/{month.Hall.Key}-w1/zones", visited);
        Assert.Contains($"/sites/{month.Hall.Key}/webhooks", visited);
        Assert.Contains($"/evidence/audits/{uploaded}", visited);
        Assert.Contains($"/audits/{uploaded}", visited);
        Assert.Contains(visited, v => v.StartsWith("/heatmaps/audits?", StringComparison.Ordinal));
        Assert.Contains(visited, v => v.StartsWith("/heatmaps/density.png?", StringComparison.Ordinal));
        Assert.Contains(visited, v => v.StartsWith("/reports/monthly.xlsx?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Staff_member_sees_no_link_they_may_not_follow()
    {
        var (month, _, _) = await HallAsync();
        string user = $"links-staff-{Guid.NewGuid():N}"[..20];
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, user, Roles.Staff, month.Wang);
        using var http = await SignedInClient.SignInAsync(app.BaseUrl, user);

        var (visited, dead) = await CrawlAsync(http, "/", "/me", $"/staff/{month.Wang}?month=2026-03");

        Assert.Empty(dead);
        Assert.Contains(visited, v => v.StartsWith("/audits/", StringComparison.Ordinal));
        Assert.DoesNotContain("/cameras", visited);
        Assert.DoesNotContain("/heatmaps", visited);
    }

    /// <summary>
    /// Follows <c>href</c> and <c>src</c> addresses of this app from the start pages, <see cref="Depth"/> links deep, at
    /// most <see cref="PerShape"/> addresses per shape (the path with its numbers taken out, and the query's names), so a
    /// heatmap's hundred cells cost three requests. Returns what was visited and each failure with the page linking it.
    /// </summary>
    private async Task<(HashSet<string> Visited, List<string> Dead)> CrawlAsync(HttpClient http, params string[] start)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var shapes = new Dictionary<string, int>(StringComparer.Ordinal);
        var dead = new List<string>();
        var queue = new Queue<(string Url, int Depth, string From)>(start.Select(s => (s, 0, "start")));
        while (queue.TryDequeue(out var next))
        {
            if (!visited.Add(next.Url)) continue;
            using var response = await http.GetAsync(next.Url);
            string landed = response.RequestMessage?.RequestUri?.AbsolutePath ?? "";
            if (response.StatusCode != HttpStatusCode.OK || (landed == "/login" && next.Url != "/login"))
            {
                dead.Add($"{next.Url} → {(int)response.StatusCode} {landed} (linked from {next.From})");
                continue;
            }
            if (next.Depth >= Depth || response.Content.Headers.ContentType?.MediaType != "text/html") continue;
            // The job dashboard is Hangfire's own: checked that it opens, not crawled.
            if (next.Url.StartsWith("/hangfire", StringComparison.Ordinal)) continue;
            foreach (string link in Links(await response.Content.ReadAsStringAsync()))
            {
                if (visited.Contains(link) || link.StartsWith("/logout", StringComparison.Ordinal)) continue;
                string shape = Shape(link);
                int seen = shapes.GetValueOrDefault(shape);
                if (seen >= PerShape) continue;
                shapes[shape] = seen + 1;
                queue.Enqueue((link, next.Depth + 1, next.Url));
            }
        }
        output.WriteLine($"{visited.Count} addresses visited, {shapes.Count} shapes, {dead.Count} dead");
        foreach (string d in dead) output.WriteLine(d);
        return (visited, dead);
    }

    /// <summary>This app's addresses in a page (relative ones, or absolute ones on the app's own origin), without fragments.</summary>
    private IEnumerable<string> Links(string html)
    {
        foreach (Match m in Attribute().Matches(html))
        {
            string raw = WebUtility.HtmlDecode(m.Groups["url"].Value);
            if (raw.Length == 0 || raw.StartsWith('#') || raw.StartsWith("data:", StringComparison.Ordinal) || raw.StartsWith("mailto:", StringComparison.Ordinal)) continue;
            var absolute = new Uri(app.BaseUrl, raw);
            if (absolute.Authority != app.BaseUrl.Authority) continue;
            yield return absolute.PathAndQuery;
        }
    }

    private static string Shape(string link)
    {
        var uri = new Uri(new Uri("http://x"), link);
        var names = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=')[0]).Order(StringComparer.Ordinal);
        return $"{Number().Replace(uri.AbsolutePath, "#")}?{string.Join('&', names)}";
    }

    [GeneratedRegex("""(?:href|src)=(?<q>['"])(?<url>.*?)\k<q>""")]
    private static partial Regex Attribute();

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Number();
}
