using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClosedXML.Excel;
using DeskVision.Store;
using DeskVision.Tests.Cameras;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Insights;
using DeskVision.Web.Views;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace DeskVision.Tests.Pages;

/// <summary>
/// The hall board, the layout and the evidence as a manager and a staff member meet them in Debian's chromium against
/// the running app (real process, Hangfire, database, detector). Screenshots at 1366 and 390 px go to artifacts/screenshots/.
/// </summary>
[Collection(RunningAppCollection.Name)]
[Trait("Category", "Slow")]
public sealed partial class BoardTests(RunningApp app, Browser browser) : IClassFixture<Browser>
{
    /// <summary>Bowls of fruit and broccoli, nobody at the desk: eating at the window, a major clause.</summary>
    private const string NoOneEating = "000000000009.jpg";

    private async Task<(string Camera, int WindowId, int SiteId, long Audit)> WindowWithAnAuditAsync()
    {
        string camera = await app.AddCameraAsync(CameraMode.Live);
        var image = new ByteArrayContent(File.ReadAllBytes(TestData.Coco(NoOneEating)));
        image.Headers.ContentType = new("image/jpeg");
        var response = await app.Http.PostAsync($"/api/cameras/{camera}/snapshots", image);
        response.EnsureSuccessStatusCode();
        long audit = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("auditId").GetInt64();
        await using var db = app.Database.NewContext();
        var c = await db.Cameras.Include(x => x.Window).SingleAsync(x => x.Key == camera);
        return (camera, c.WindowId, c.Window.SiteId, audit);
    }

    private async Task<string> AccountAsync(string role, int? staffId = null, params int[] sites)
    {
        string name = $"{role}-{Guid.NewGuid():N}"[..14];
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, name, role, staffId, sites);
        return name;
    }

    private static async Task WidthAsync(IPage page, int width) => await page.SetViewportSizeAsync(width, width > 800 ? 900 : 844);

    private static async Task AssertNoSidewaysScrollAsync(IPage page, string what) =>
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"),
            $"{what} scrolls sideways at {page.ViewportSize?.Width} px");

    [Fact]
    public async Task The_board_shows_a_red_tile_for_a_window_with_an_open_major_violation_and_its_evidence_is_one_click_away()
    {
        var (camera, window, site, audit) = await WindowWithAnAuditAsync();
        string major;
        int violations;
        await using (var db = app.Database.NewContext())
        {
            var found = await db.AuditViolations.Where(v => v.AuditId == audit).Select(v => new { v.Clause.TitleZh, v.Clause.Severity }).ToListAsync();
            violations = found.Count;
            major = found.First(v => v.Severity == "major").TitleZh;
        }
        var page = await browser.SignedInPageAsync(app.BaseUrl, await AccountAsync(Roles.Manager, null, site));
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        await WidthAsync(page, 1366);
        await page.GotoAsync("/");

        var tile = page.Locator($"#tile-{window}");
        Assert.Equal("red", await tile.GetAttributeAsync("data-state"));
        Assert.Contains(camera, await tile.Locator("h3").InnerTextAsync());
        Assert.Contains(major, await tile.Locator(".why").InnerTextAsync());               // why: the clause, by its title
        Assert.NotEmpty((await tile.Locator(".why .since").First.InnerTextAsync()).Trim()); // since when: how long it has been open
        Assert.True(await page.Locator($"#open-violations tr[data-window='{window}']").CountAsync() >= 1);
        await tile.Locator("svg rect.violation").First.WaitForAsync();                   // the thumbnail has its boxes
        await Browser.ShotAsync(page, "board-1366");
        await AssertNoSidewaysScrollAsync(page, "the board");
        Assert.Empty(errors);

        // The queue filters by window.
        await page.GotoAsync($"/?window={window}");
        Assert.Equal(await page.Locator("#open-violations tbody tr").CountAsync(), await page.Locator($"#open-violations tr[data-window='{window}']").CountAsync());

        await WidthAsync(page, 390);
        await page.GotoAsync("/");
        await AssertNoSidewaysScrollAsync(page, "the board");
        await Browser.ShotAsync(page, "board-390");

        // One click from the tile to the evidence with its boxes.
        await WidthAsync(page, 1366);
        await page.GotoAsync("/");
        await page.Locator($"#tile-{window} a.thumb").ClickAsync();
        await page.WaitForURLAsync($"**/audits/{audit}");
        await page.Locator(".evidence img").EvaluateAsync("img => img.decode()");
        Assert.Equal(violations, await page.Locator(".evidence svg rect.violation").CountAsync());
        Assert.Contains(major, await page.Locator(".evidence svg").InnerHTMLAsync());
        await Browser.ShotAsync(page, "audit-1366");
        await WidthAsync(page, 390);
        await AssertNoSidewaysScrollAsync(page, "the audit page");
        await Browser.ShotAsync(page, "audit-390");
    }

    [Fact]
    public async Task The_language_switch_changes_the_pages_lang_and_its_words_and_is_remembered()
    {
        var (_, _, site, _) = await WindowWithAnAuditAsync();
        var page = await browser.SignedInPageAsync(app.BaseUrl, await AccountAsync(Roles.Manager, null, site));
        await page.GotoAsync("/");
        Assert.Equal("zh-CN", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("大厅看板", (await page.Locator("nav.menu a[href='/']").InnerTextAsync()).Trim());

        await page.ClickAsync("#lang-switch");
        await page.WaitForURLAsync("**lang=en");
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("Hall board", (await page.Locator("nav.menu a[href='/']").InnerTextAsync()).Trim());
        Assert.Equal("Hall board", (await page.Locator("h1").InnerTextAsync()).Trim());
        await page.GotoAsync("/cameras");                                      // remembered on the next page
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("Cameras", (await page.Locator("h1").InnerTextAsync()).Trim());
        await Browser.ShotAsync(page, "cameras-en");

        await page.ClickAsync("#lang-switch");
        await page.WaitForURLAsync("**lang=zh");
        Assert.Equal("zh-CN", await page.GetAttributeAsync("html", "lang"));
        Assert.Equal("摄像头", (await page.Locator("h1").InnerTextAsync()).Trim());
    }

    [Fact]
    public async Task A_staff_member_gets_the_apps_own_403_page_on_a_manager_page_and_lands_on_their_desk()
    {
        var (_, _, site, _) = await WindowWithAnAuditAsync();
        int staff;
        await using (var db = app.Database.NewContext())
        {
            var s = db.Staff.Add(new Staff { SiteId = site, Name = $"周{Guid.NewGuid():N}"[..5] }).Entity;
            await db.SaveChangesAsync();
            staff = s.Id;
        }
        var page = await browser.SignedInPageAsync(app.BaseUrl, await AccountAsync(Roles.Staff, staff));
        Assert.EndsWith("/me", new Uri(page.Url).AbsolutePath);                   // staff land on their own desk

        foreach (string managers in new[] { "/cameras", "/hangfire", "/review/1" })
        {
            var response = await page.GotoAsync(managers);
            Assert.Equal(403, response!.Status);
            Assert.True(await page.Locator("#status-403").IsVisibleAsync(), $"{managers}: not the app's 403 page");
            Assert.Equal("无权访问", (await page.Locator("#status-403 h1").InnerTextAsync()).Trim());
            Assert.True(await page.Locator("nav.menu a[href='/me']").IsVisibleAsync(), $"{managers}: the 403 page is not in the layout");
            Assert.Equal(0, await page.Locator("nav.menu a[href='/cameras']").CountAsync());  // staff's navigation only
        }
        await Browser.ShotAsync(page, "staff-403");
        var missing = await page.GotoAsync("/audits/999999999?lang=en");
        Assert.Equal(404, missing!.Status);
        Assert.Equal("Page not found", (await page.Locator("#status-404 h1").InnerTextAsync()).Trim());
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
    }

    [Fact]
    public async Task The_evidence_png_has_the_violations_drawn_on_the_snapshot()
    {
        var (_, _, _, audit) = await WindowWithAnAuditAsync();
        var first = (await app.Http.GetFromJsonAsync<JsonElement>($"/api/audits/{audit}")).GetProperty("violations")[0].GetProperty("box")
            .EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var png = await app.Http.GetAsync($"/evidence/audits/{audit}/marked.png");
        Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
        using var marked = OpenCvSharp.Cv2.ImDecode(await png.Content.ReadAsByteArrayAsync(), OpenCvSharp.ImreadModes.Color);
        using var plain = OpenCvSharp.Cv2.ImDecode(await app.Http.GetByteArrayAsync($"/evidence/audits/{audit}"), OpenCvSharp.ImreadModes.Color);
        Assert.Equal((plain.Width, plain.Height), (marked.Width, marked.Height));
        // The middle of the first violation's left edge is drawn in the violation red (#dc2626), whatever the photo had there.
        var edge = marked.At<OpenCvSharp.Vec3b>((int)((first[1] + first[3]) / 2), (int)Math.Clamp(first[0] + 1, 0, marked.Width - 1));
        Assert.True(edge.Item2 > 150 && edge.Item1 < 110 && edge.Item0 < 110, $"no red edge at the violation's box: BGR {edge.Item0},{edge.Item1},{edge.Item2}");
        Assert.True(EvidencePicture.HasCjkFont, "no CJK font: the Chinese labels of the PNG would be boxes (./deskvision installs fonts-wqy-microhei)");
    }

    [Fact]
    public async Task An_audits_local_time_is_the_same_on_its_page_the_review_page_the_csv_and_the_workbook()
    {
        var (camera, _, site, audit) = await WindowWithAnAuditAsync();
        DateTimeOffset takenAt;
        HallTime time;
        string siteKey;
        await using (var db = app.Database.NewContext())
        {
            takenAt = await db.Audits.Where(a => a.Id == audit).Select(a => a.TakenAt).SingleAsync();
            var s = await db.Sites.SingleAsync(x => x.Id == site);
            (time, siteKey) = (HallTime.Of(s, TimeProvider.System), s.Key);
        }
        string local = time.Format(takenAt);    // "2026-12-03 16:51" on the hall's clock
        using var manager = await SignedInClient.SignInAsync(app.BaseUrl, await AccountAsync(Roles.Manager, null, site));

        Assert.Equal(local, ShownTime().Match(await manager.GetStringAsync($"/audits/{audit}")).Groups[1].Value);
        Assert.Equal(local, ShownTime().Match(await manager.GetStringAsync($"/review/{audit}")).Groups[1].Value);

        string month = time.Local(takenAt).ToString("yyyy-MM", CultureInfo.InvariantCulture);
        string csv = await manager.GetStringAsync($"/reports/monthly.csv?site={siteKey}&month={month}&table=open");
        var row = csv.Split("\r\n").First(line => line.StartsWith(camera + ",", StringComparison.Ordinal));
        Assert.Contains(time.Local(takenAt).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture), row);

        using var book = new XLWorkbook(new MemoryStream(await manager.GetByteArrayAsync($"/reports/monthly.xlsx?site={siteKey}&month={month}")));
        var open = book.Worksheet("整改 Open");
        var cell = open.RowsUsed().First(r => r.Cell(1).GetString() == camera).Cell(6);    // first_seen
        Assert.Equal(local, cell.GetDateTime().ToString(HallTime.DateTimeFormat, CultureInfo.InvariantCulture));
    }

    // The first full local time on a page: <time datetime="..." title="yyyy-MM-dd HH:mm:ss">yyyy-MM-dd HH:mm</time>.
    [GeneratedRegex("""<time datetime="[^"]+" title="[^"]+">(\d{4}-\d\d-\d\d \d\d:\d\d)</time>""")]
    private static partial Regex ShownTime();
}
