using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using DeskVision.Store;
using DeskVision.Tests.Cameras;
using DeskVision.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace DeskVision.Tests.WebApp;

/// <summary>
/// Every page, as each role opens it, in both languages, at a laptop's 1366 px and a phone's 390 px, in Debian's
/// chromium: it answers, does not scroll sideways, logs no console error, declares its language, and shows no words of
/// the other language (the rendered text scanned against the other language's resx values). One browser, one app.
/// A screenshot of each goes to artifacts/screenshots/pages/.
/// </summary>
[Collection(RunningAppCollection.Name)]
[Trait("Category", "Slow")]
public sealed partial class EveryPageTests(RunningApp app, Browser browser, ITestOutputHelper output) : IClassFixture<Browser>
{
    /// <summary>
    /// Pages with known, still open language or width problems (issue 16): their words and widths are printed, not
    /// asserted, until they are converted. Everything else about them (status, console, lang) is still asserted, and
    /// every other page is held to all of it. Shrink this list; never grow it to make the test pass.
    /// </summary>
    private static readonly string[] StillOpen =
    [
        "/standard",      // /standard and /standard/edit: still built by endpoint code, rules' zone and sign names in Chinese
        "/heatmaps",      // legend of reference checks (暂停服务牌) and column heads from the standard's Chinese titles
        "/trends",
        "/audits/",       // a 时间 from the standard's clause text without lang=zh-CN around it
        "/review/",
        "/admin/audit-log", // entries store Chinese names (在岗) as the seed wrote them
        "/cameras/api-",  // the zone editor: its canvas is 500 px wide at 390 px
    ];

    private static bool IsStillOpen(string path, string problem) =>
        StillOpen.Any(p => path.StartsWith(p, StringComparison.Ordinal)) && (problem.Contains("words of the other language") || problem.Contains("scrolls sideways"));

    private static readonly (int Width, int Height)[] Sizes = [(1366, 900), (390, 844)];

    private static Dictionary<string, string> Resx(string file) =>
        XDocument.Load(Path.Combine(TestData.Root, "Web", "Resources", file)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex Chinese();

    /// <summary>Words of the other language that must not be on a page of this one: resx values that differ between
    /// the two, split at their {0} places, without anything this language uses too.</summary>
    private static IReadOnlyList<string> Foreign(bool english)
    {
        var zh = Resx("Ui.resx");
        var en = Resx("Ui.en.resx");
        var mine = (english ? en : zh).Values.ToHashSet();
        var theirs = english ? zh : en;
        return theirs.Where(kv => (english ? en : zh).GetValueOrDefault(kv.Key) != kv.Value)
            .SelectMany(kv => Placeholder().Split(kv.Value)).Select(s => s.Trim(' ', ':', '：', '·', '.', ',', '，', '(', ')', '（', '）'))
            .Where(s => english ? Chinese().IsMatch(s) && s.Length >= 2 : !Chinese().IsMatch(s) && s.Length >= 5 && s.Any(char.IsAsciiLetter) && s.Contains(' '))
            .Where(s => !mine.Any(m => m.Contains(s, StringComparison.Ordinal)))
            .Distinct().ToList();
    }

    [Fact]
    public async Task Every_page_reads_in_one_language_and_fits_a_phone_and_a_laptop()
    {
        // A hall with a camera, an audit, a staff member on duty now and their account; a manager of the hall.
        string camera = await app.AddCameraAsync(CameraMode.Live);
        var image = new ByteArrayContent(File.ReadAllBytes(TestData.Coco("000000000009.jpg")));
        image.Headers.ContentType = new("image/jpeg");
        var uploaded = await app.Http.PostAsync($"/api/cameras/{camera}/snapshots", image);
        long audit = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("auditId").GetInt64();
        int siteId, staffId;
        List<string> data;
        string suffix = Guid.NewGuid().ToString("N")[..6];
        await using (var db = app.Database.NewContext())
        {
            var c = await db.Cameras.Include(x => x.Window).SingleAsync(x => x.Key == camera);
            siteId = c.Window.SiteId;
            var person = new Staff { SiteId = siteId, Name = "吴" + suffix[..2], WindowId = c.WindowId };
            db.Staff.Add(person);
            await db.SaveChangesAsync();
            staffId = person.Id;
            db.DutyShifts.Add(new DutyShift { StaffId = staffId, WindowId = c.WindowId, From = DateTimeOffset.UtcNow.AddDays(-1), To = DateTimeOffset.UtcNow.AddDays(1) });
            await db.SaveChangesAsync();
            // Names people gave (halls, windows, staff, accounts) and the standard's own Chinese text are data, in any language.
            data = [.. await db.Windows.Select(w => w.Name).ToListAsync(), .. await db.Staff.Select(s => s.Name).ToListAsync(),
                .. await db.Sites.Select(s => s.Name).ToListAsync(), .. await db.Users.Select(u => u.DisplayName).ToListAsync()];
        }
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, $"staff-{suffix}", Roles.Staff, staffId);
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, $"manager-{suffix}", Roles.Manager, null, siteId);

        var pages = new (string User, string[] Paths)[]
        {
            ($"manager-{suffix}", ["/", "/cameras", $"/cameras/{camera}/edit", $"/cameras/{camera}/zones", $"/audits/{audit}", $"/review/{audit}",
                "/roster?site=api-hall", "/staff", $"/staff/{staffId}", "/appeals", "/reports/daily?site=api-hall", "/reports/monthly?site=api-hall",
                "/standard", "/heatmaps?site=api-hall", "/trends?site=api-hall", "/sites/api-hall/webhooks", "/no-such-page"]),
            ("admin", ["/admin/users", "/admin/audit-log", "/cameras/new", "/standard/edit"]),
            ($"staff-{suffix}", ["/me", $"/staff/{staffId}", "/cameras"]),
        };
        var problems = new List<string>();
        Directory.CreateDirectory(Path.Combine(Browser.Screenshots, "pages"));
        foreach (bool english in new[] { false, true })
        {
            var foreign = Foreign(english);
            foreach (var (user, paths) in pages)
            {
                var page = await browser.SignedInPageAsync(app.BaseUrl, user, locale: english ? "en-US" : "zh-CN");
                await page.Context.AddCookiesAsync([new Cookie { Name = "deskvision-lang", Value = english ? "en" : "zh", Url = app.BaseUrl.ToString() }]);
                var console = new List<string>();
                page.Console += (_, m) => { if (m.Type == "error") console.Add($"{m.Text} ({m.Location})"); };
                foreach (string path in paths)
                    foreach (var (width, height) in Sizes)
                    {
                        console.Clear();
                        await page.SetViewportSizeAsync(width, height);
                        string where = $"{user.Split('-')[0]} {path} {(english ? "en" : "zh")} {width}px";
                        IResponse? response;
                        try { response = await page.GotoAsync(path); }
                        catch (Exception e) when (e is PlaywrightException or TimeoutException) { problems.Add($"{where}: {e.Message.Split('\n')[0]}"); continue; }
                        int status = response?.Status ?? 0;
                        if (status >= 400 && path != "/no-such-page" && !(user.StartsWith("staff") && path == "/cameras")) problems.Add($"{where}: status {status}");
                        if (await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1"))
                            problems.Add($"{where}: scrolls sideways ({await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")} px)");
                        string lang = await page.GetAttributeAsync("html", "lang") ?? "";
                        if (lang != (english ? "en" : "zh-CN")) problems.Add($"{where}: <html lang=\"{lang}\">");
                        // The standard's text is quoted in Chinese on purpose (marked lang=zh-CN); names are data.
                        string text = await page.EvaluateAsync<string>(
                            "() => { const b = document.body.cloneNode(true); b.querySelectorAll('[lang=zh-CN], script, style, code').forEach(e => e.remove()); return b.innerText; }");
                        foreach (string name in data.Where(n => n.Length > 0).OrderByDescending(n => n.Length)) text = text.Replace(name, " ");
                        var wrong = foreign.Where(f => english ? text.Contains(f, StringComparison.Ordinal) : Regex.IsMatch(text, $@"\b{Regex.Escape(f)}\b")).Take(5).ToList();
                        if (wrong.Count > 0) problems.Add($"{where}: words of the other language: {string.Join(" | ", wrong)}");
                        // A status page (404 for an unknown address, 403 for staff on a manager's page) makes the browser note its own
                        // status as a failed load: that is the answer asked for, not an error of the page.
                        bool expectedStatus = path == "/no-such-page" || (user.StartsWith("staff") && path == "/cameras");
                        if (expectedStatus) console.RemoveAll(c => c.StartsWith("Failed to load resource", StringComparison.Ordinal) && c.Contains(path.Split('?')[0] + ":0:0", StringComparison.Ordinal));
                        // The shared test database holds other tests' audits, whose evidence folders went with those tests;
                        // the board and camera list show the latest audit of every window, so their pictures answer 404.
                        console.RemoveAll(c => c.Contains("404") && c.Contains("/evidence/audits/", StringComparison.Ordinal) && !c.Contains($"/evidence/audits/{audit}", StringComparison.Ordinal));
                        if (console.Count > 0) problems.Add($"{where}: console errors: {string.Join(" | ", console.Take(3))}");
                        string shot = $"{user.Split('-')[0]}{path.Split('?')[0].Replace('/', '_')}-{(english ? "en" : "zh")}-{width}";
                        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.Screenshots, "pages", shot + ".png"), FullPage = true });
                    }
                await page.Context.CloseAsync();
            }
        }
        foreach (string known in problems.Where(p => IsStillOpen(p.Split(' ')[1], p))) output.WriteLine($"still open: {known}");
        problems.RemoveAll(p => IsStillOpen(p.Split(' ')[1], p));
        Assert.True(problems.Count == 0, $"{problems.Count} problem(s):\n" + string.Join("\n", problems));
    }
}
