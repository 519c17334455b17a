using System.Net;
using DeskVision.Store;
using DeskVision.Tests.Fixtures;
using DeskVision.Tests.Reports;
using DeskVision.Web.Accounts;
using DeskVision.Web.Insights;
using DeskVision.Web.Reports;
using Microsoft.EntityFrameworkCore;
using OpenCvSharp;
using static DeskVision.Tests.Reports.SeededMonth;

namespace DeskVision.Tests.WebApp;

/// <summary>
/// The heatmaps on the seeded March (audits at 10:00 local, see <see cref="SeededMonth"/>): counted violations per
/// window and local hour or day, average counted scores, clauses × windows, the audits behind a cell, the density
/// overlay, and who may see them.
/// </summary>
[Collection(PagesHostCollection.Name)]
public sealed class HeatmapTests(PagesHost host)
{
    private async Task<(SeededMonth Month, Site Site, Dictionary<string, int> Windows, CurrentUser Manager)> SeedAsync()
    {
        var month = await SeededMonth.SeedAsync(host.Database);
        var site = await month.Hall.SiteAsync();
        await using var db = host.Database.NewContext();
        var windows = await db.Windows.Where(w => w.SiteId == site.Id).ToDictionaryAsync(w => w.Name, w => w.Id);
        return (month, site, windows, new CurrentUser(1, "m", "m", Roles.Manager, null, [site.Id]));
    }

    [Fact]
    public async Task Windows_by_local_hour_and_day_count_violations_that_stand_and_average_counted_scores()
    {
        var (_, site, windows, manager) = await SeedAsync();
        await using var db = host.Database.NewContext();
        var period = SitePeriod.Month(site, March);

        var byHour = await new Heatmaps(db).WindowsByTimeAsync(manager, site.Id, period, byDay: false, default);
        Assert.Equal([W1, W2, W3, W4], byHour.Rows.Select(r => r.Label));
        Assert.Equal("8", byHour.Columns[0].Key);               // the working day at least, 08..18
        var at10 = (string w) => byHour.At(windows[w].ToString(), "10");
        Assert.Equal((4, 1), (at10(W1).Audits, at10(W1).Violations));
        Assert.Equal((4, 4), (at10(W2).Audits, at10(W2).Violations));
        Assert.Equal((3, 3), (at10(W3).Audits, at10(W3).Violations)); // the overturned one does not count; the failed audit is not there
        Assert.Equal(97.0, at10(W3).AverageScore!.Value, 3);
        Assert.Equal(0, byHour.At(windows[W2].ToString(), "9").Audits); // 10:00 local is 02:00 UTC: placed on the hall's clock

        var byDay = await new Heatmaps(db).WindowsByTimeAsync(manager, site.Id, period, byDay: true, default);
        Assert.Equal(31, byDay.Columns.Count);
        Assert.Equal(2, byDay.At(windows[W2].ToString(), "3").Violations);
        Assert.Equal(100, byDay.At(windows[W3].ToString(), "2").AverageScore);   // overturned: its points come back

        var clauses = await new Heatmaps(db).ClausesByWindowAsync(manager, site.Id, period, default);
        // Most broken first: phone 2, private items 2, unattended 2 (03-03 at 3号, 03-05 at 2号; 03-02 overturned), then cup and eating.
        Assert.Equal([Phone, Private, Unattended, Eating, Cup], clauses.Rows.Select(r => r.Key));
        Assert.Equal(2, clauses.At(Phone, windows[W2].ToString()).Violations);
        Assert.Equal(0, clauses.At(Unattended, windows[W1].ToString()).Violations);
    }

    [Fact]
    public async Task Manager_page_links_each_cell_to_the_audits_behind_it()
    {
        var (month, site, windows, _) = await SeedAsync();
        string manager = await host.UserAsync(Roles.Manager, [site.Id]);
        using var http = await host.ClientAsync(manager);
        string query = $"site={month.Hall.Key}&month=2026-03";

        string page = await http.GetStringAsync($"/heatmaps?{query}");
        Assert.Contains("热力图", page);
        string cell = $"/heatmaps/audits?site={month.Hall.Key}&amp;month=2026-03&amp;window={windows[W2]}&amp;hour=10";
        Assert.Contains($"href='{cell}'", page);
        Assert.Contains("desk.phone-on-desk", page);
        Assert.Contains($"/heatmaps/density.png?site={month.Hall.Key}&amp;month=2026-03&amp;window={windows[W1]}", page);

        string audits = await http.GetStringAsync(WebUtility.HtmlDecode(cell));
        Assert.Equal(4, CountRows(audits));
        string phones = await http.GetStringAsync($"/heatmaps/audits?{query}&window={windows[W2]}&clause={Phone}");
        Assert.Equal(2, CountRows(phones));
        Assert.Contains("手机不放桌面", phones); // the clause's Chinese title
        string day3 = await http.GetStringAsync($"/heatmaps/audits?{query}&window={windows[W3]}&day=3");
        Assert.Equal(1, CountRows(day3));

        string english = await http.GetStringAsync($"/heatmaps?{query}&lang=en");
        Assert.Contains("Heatmaps", english);
        Assert.Contains("Clauses × windows", english);
        Assert.Contains("Clauses × windows", await http.GetStringAsync($"/heatmaps?{query}"));   // remembered in a cookie
        Assert.Contains("条款 × 窗口", await http.GetStringAsync($"/heatmaps?{query}&lang=zh"));
    }

    [Fact]
    public async Task Only_the_halls_managers_and_admins_see_its_heatmaps()
    {
        var (month, site, _, _) = await SeedAsync();
        string query = $"site={month.Hall.Key}&month=2026-03";
        using var other = await host.ClientAsync(await host.UserAsync(Roles.Manager, [site.Id + 100_000]));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/heatmaps?{query}")).StatusCode);
        using var staff = await host.ClientAsync(await host.UserAsync(Roles.Staff, staffId: month.Wang));
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"/heatmaps?{query}")).StatusCode);
        using var anonymous = await host.ClientAsync(null);
        Assert.StartsWith("/login", (await anonymous.GetAsync($"/heatmaps?{query}")).Headers.Location!.PathAndQuery);
        using var admin = await host.ClientAsync(await host.UserAsync(Roles.Admin));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/heatmaps?{query}")).StatusCode);
    }

    [Fact]
    public async Task Density_overlay_colours_where_the_evidence_boxes_were_on_the_latest_snapshot()
    {
        var (month, site, windows, _) = await SeedAsync();
        // The window's audits get a snapshot: a real photo, 1000 × 1000 like the stored audits' image size.
        using (var photo = Cv2.ImRead(TestData.Coco("000000000387.jpg")))
        using (var square = photo.Resize(new OpenCvSharp.Size(1000, 1000)))
            square.SaveImage(Path.Combine(host.Evidence.Path, $"{month.Hall.Key}.png"));
        await using (var db = host.Database.NewContext())
            await db.Audits.Where(a => a.Camera.WindowId == windows[W2]).ExecuteUpdateAsync(s => s.SetProperty(a => a.SnapshotPath, $"{month.Hall.Key}.png"));

        using var http = await host.ClientAsync(await host.UserAsync(Roles.Manager, [site.Id]));
        var response = await http.GetAsync($"/heatmaps/density.png?site={month.Hall.Key}&month=2026-03&window={windows[W2]}");
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        using var overlay = Cv2.ImDecode(await response.Content.ReadAsByteArrayAsync(), ImreadModes.Color);
        using var original = Cv2.ImRead(Path.Combine(host.Evidence.Path, $"{month.Hall.Key}.png"));
        Assert.Equal((960, 960), (overlay.Width, overlay.Height));   // scaled to at most 960 wide
        using var small = original.Resize(new OpenCvSharp.Size(960, 960), 0, 0, InterpolationFlags.Area);
        // Every stored violation box is at (10,10)-(60,60) of 1000: coloured there, untouched in the middle of the counter.
        double Change(int x, int y) { var a = overlay.At<Vec3b>(y, x); var b = small.At<Vec3b>(y, x); return Math.Abs(a.Item0 - b.Item0) + Math.Abs(a.Item1 - b.Item1) + Math.Abs(a.Item2 - b.Item2); }
        Assert.True(Change(34, 34) > 60, $"hot spot changed by {Change(34, 34)}");
        Assert.True(Change(480, 528) < 6, $"cold spot changed by {Change(480, 528)}");
        // A window of another hall is not found.
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/heatmaps/density.png?site={month.Hall.Key}&month=2026-03&window=999999")).StatusCode);
    }

    private static int CountRows(string html) => html.Split("<tr>").Length - 2;   // minus the text before the table and the header row
}
