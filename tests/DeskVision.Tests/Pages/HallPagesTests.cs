using DeskVision.Tests.Cameras;
using DeskVision.Tests.Fixtures;

namespace DeskVision.Tests.Pages;

/// <summary>The pages in a real browser (Debian chromium) against the running app; screenshots are kept as artifacts.</summary>
[Collection(RunningAppCollection.Name)]
[Trait("Category", "Slow")]
public sealed class HallPagesTests : IClassFixture<Browser>
{
    private readonly RunningApp app;
    private readonly Browser _browser;

    public HallPagesTests(RunningApp app, Browser browser)
    {
        this.app = app;
        _browser = browser;
    }

    [Fact]
    public async Task Admin_opens_an_audit_from_the_hall_overview_and_sees_the_evidence_drawn()
    {
        string camera = await app.AddCameraAsync(CameraMode.Live);
        var upload = new ByteArrayContent(File.ReadAllBytes(TestData.Coco("000000000387.jpg")));
        upload.Headers.ContentType = new("image/jpeg");
        var created = await app.Http.PostAsync($"/api/cameras/{camera}/snapshots", upload);
        created.EnsureSuccessStatusCode();
        long id = (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<System.Text.Json.JsonElement>(created.Content)).GetProperty("auditId").GetInt64();
        var stored = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(app.Http, $"/api/audits/{id}");
        var labels = stored.GetProperty("detections").EnumerateArray().Select(d => d.GetProperty("label").GetString()!).Distinct().ToList();
        Assert.NotEmpty(labels);

        var page = await _browser.SignedInPageAsync(app.BaseUrl, "admin");
        await page.GotoAsync("/");
        await Browser.ShotAsync(page, "hall-overview");
        // The board's tile names the window (the test camera's own); its page lists the audits.
        await page.Locator($".window-tile h3 a:text('{camera}')").ClickAsync();
        await page.Locator("table#audits a").First.ClickAsync();
        await page.WaitForSelectorAsync(".evidence svg rect");
        // Every stored detection is drawn on the snapshot with its label (those below the operating threshold hidden until asked for).
        Assert.True(await page.Locator(".evidence svg rect").CountAsync() >= stored.GetProperty("detections").GetArrayLength());
        string svg = await page.Locator(".evidence svg").InnerHTMLAsync();
        Assert.All(labels, label => Assert.Contains(label, svg));
        Assert.True(await page.Locator("#violations").CountAsync() == 1);
        await Browser.ShotAsync(page, "audit-review");
    }
}
