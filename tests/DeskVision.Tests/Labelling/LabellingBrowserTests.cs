using DeskVision.Audits;
using System.Net.Http.Json;
using System.Text.Json;
using DeskVision.Store;
using DeskVision.Tests.Cameras;
using DeskVision.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace DeskVision.Tests.Labelling;

/// <summary>
/// A hall manager labels a frame in Debian's chromium against the running app: the model's boxes come pre-drawn, a
/// box is drawn with the mouse, one is relabelled with a number key, one deleted with Delete, and Enter marks the
/// frame done; the labels are rows of their own, and the audit's detections are untouched.
/// </summary>
[Collection(RunningAppCollection.Name)]
[Trait("Category", "Slow")]
public sealed class LabellingBrowserTests(RunningApp app, Browser browser) : IClassFixture<Browser>
{
    /// <summary>A street with people and suitcases: yolov8n finds three of the site's classes at 0.25 or more.</summary>
    private const string PeopleWithSuitcases = "000000000572.jpg";

    [Fact]
    public async Task Manager_draws_relabels_deletes_and_marks_a_frame_done_and_the_labels_are_stored()
    {
        string camera = await app.AddCameraAsync(CameraMode.Live);
        var image = new ByteArrayContent(File.ReadAllBytes(TestData.Coco(PeopleWithSuitcases)));
        image.Headers.ContentType = new("image/jpeg");
        var upload = await app.Http.PostAsync($"/api/cameras/{camera}/snapshots", image);
        upload.EnsureSuccessStatusCode();
        long audit = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("auditId").GetInt64();
        int site, detections;
        await using (var db = app.Database.NewContext())
        {
            site = await db.Cameras.Where(c => c.Key == camera).Select(c => c.Window.SiteId).SingleAsync();
            detections = await db.AuditDetections.CountAsync(d => d.AuditId == audit);
        }
        string manager = $"label-{Guid.NewGuid():N}"[..14];
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, manager, Roles.Manager, null, site);
        var page = await browser.SignedInPageAsync(app.BaseUrl, manager);

        // From the review page to the editor.
        await page.GotoAsync($"/review/{audit}");
        await page.ClickAsync("#label-link");
        await page.WaitForSelectorAsync("#label-editor.scripted svg.labels g.label");
        await page.Locator(".label-canvas img").EvaluateAsync("img => img.decode()");
        var suggested = page.Locator("svg.labels g.label.suggested");
        int before = await suggested.CountAsync();
        Assert.True(before >= 2, $"expected at least two of the model's boxes pre-drawn, got {before}");
        string[] classes = JsonSerializer.Deserialize<string[]>(await page.Locator("#label-editor").GetAttributeAsync("data-classes") ?? "[]")!;
        Assert.Equal("person", classes[0]);
        await Browser.ShotAsync(page, "label-suggested");

        // Draw a new box in the top-left corner with the mouse (class 1: person).
        var svg = (await page.Locator("svg.labels").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(svg.X + 0.02f * svg.Width, svg.Y + 0.03f * svg.Height);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(svg.X + 0.08f * svg.Width, svg.Y + 0.08f * svg.Height, new() { Steps = 4 });
        await page.Mouse.MoveAsync(svg.X + 0.10f * svg.Width, svg.Y + 0.12f * svg.Height, new() { Steps = 4 });
        await page.Mouse.UpAsync();
        // Without waiting for that save, pull the new box's bottom-right corner out: the second save must update the
        // first one's row, not store the box twice.
        await page.Mouse.MoveAsync(svg.X + 0.10f * svg.Width, svg.Y + 0.12f * svg.Height);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(svg.X + 0.12f * svg.Width, svg.Y + 0.14f * svg.Height, new() { Steps = 4 });
        await page.Mouse.UpAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#label-status').className === 'ok'");

        // Relabel the first suggestion with key 2, then delete the next one with Delete.
        await ClickCentreAsync(page, suggested.First);
        string relabelledFrom = (await page.Locator("svg.labels g.label.selected").GetAttributeAsync("data-class"))!;
        await page.Keyboard.PressAsync("2");
        await page.WaitForSelectorAsync($"svg.labels g.label[data-class='{classes[1]}']:not(.suggested)");
        await page.WaitForSelectorAsync("#label-status.ok");
        int left = await suggested.CountAsync();
        await ClickCentreAsync(page, suggested.First);
        await page.Keyboard.PressAsync("Delete");
        await page.WaitForFunctionAsync($"() => document.querySelectorAll('svg.labels g.label.suggested').length === {left - 1}");

        await page.Keyboard.PressAsync("Enter");
        await page.WaitForSelectorAsync("#label-status.done");
        await Browser.ShotAsync(page, "label-done");

        await using (var db = app.Database.NewContext())
        {
            var frame = await db.LabelledFrames.Include(f => f.Labels).SingleAsync(f => f.AuditId == audit);
            Assert.Equal(manager, frame.DoneBy);
            Assert.NotNull(frame.DoneAt);
            var labels = frame.Labels.Where(l => l.Source != LabelSources.Negative).ToList();
            // Every suggestion but the deleted one, plus the drawn box.
            Assert.Equal(before, labels.Count);
            Assert.All(labels, l => Assert.Equal(manager, l.By));
            var drawn = Assert.Single(labels, l => l.Source == LabelSources.Drawn);
            Assert.Equal("person", drawn.ClassName);
            var (w, h) = (frame.Width, frame.Height);
            Assert.InRange(drawn.X1 / w, 0.01, 0.03);
            Assert.InRange(drawn.Y2 / h, 0.13, 0.15);
            Assert.Contains(labels, l => l.Source == LabelSources.Accepted && l.ClassName == classes[1] && classes[1] != relabelledFrom);
            // The model's detections are the audit's record and stay as they were.
            Assert.Equal(detections, await db.AuditDetections.CountAsync(d => d.AuditId == audit));
        }

        // The frame is done: it leaves the queue.
        await page.GotoAsync("/label?site=api-hall");
        await page.WaitForSelectorAsync("#label-queue");
        Assert.Equal(0, await page.Locator($"#label-queue a[href='/label/{audit}']").CountAsync());
    }

    private static async Task ClickCentreAsync(IPage page, ILocator box)
    {
        var body = box.Locator("rect.body");
        await body.WaitForAsync(new() { State = WaitForSelectorState.Visible });
        var b = await body.BoundingBoxAsync() ?? throw new InvalidOperationException("the box to click has no size on the page");
        await page.Mouse.ClickAsync(b.X + b.Width / 2, b.Y + b.Height / 2);
        await page.WaitForSelectorAsync("svg.labels g.label.selected");
    }

    [Fact]
    public async Task The_label_api_refuses_a_class_the_site_does_not_have_and_staff_cannot_label()
    {
        string camera = await app.AddCameraAsync(CameraMode.Live);
        var image = new ByteArrayContent(File.ReadAllBytes(TestData.Coco(PeopleWithSuitcases)));
        image.Headers.ContentType = new("image/jpeg");
        var upload = await app.Http.PostAsync($"/api/cameras/{camera}/snapshots", image);
        long audit = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("auditId").GetInt64();
        string page = await app.Http.GetStringAsync($"/label/{audit}");
        string token = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value);
        Assert.NotEmpty(token);

        async Task<HttpResponseMessage> PostAsync(HttpClient http, object body)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/label/{audit}") { Content = JsonContent.Create(body) };
            request.Headers.Add("RequestVerificationToken", token);
            return await http.SendAsync(request);
        }

        var refused = await PostAsync(app.Http, new { done = true, labels = new[] { new { className = "unicorn", box = new[] { 10f, 10f, 50f, 50f }, source = "drawn" } } });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("labels[0].className", problem.GetProperty("field").GetString());
        var outside = await PostAsync(app.Http, new { done = false, labels = new[] { new { className = "person", box = new[] { 10f, 10f, 5000f, 50f }, source = "drawn" } } });
        Assert.Equal("labels[0].box", (await outside.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        await using (var db = app.Database.NewContext())
            Assert.False(await db.LabelledFrames.AnyAsync(f => f.AuditId == audit)); // nothing stored from a refused request

        int staffId;
        await using (var db = app.Database.NewContext())
        {
            int site = await db.Cameras.Where(c => c.Key == camera).Select(c => c.Window.SiteId).SingleAsync();
            var member = db.Staff.Add(new Staff { SiteId = site, Name = $"标注{Guid.NewGuid():N}"[..8] }).Entity;
            await db.SaveChangesAsync();
            staffId = member.Id;
        }
        string staff = $"lstaff-{Guid.NewGuid():N}"[..14];
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, staff, Roles.Staff, staffId);
        using var staffHttp = await SignedInClient.SignInAsync(app.BaseUrl, staff);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await staffHttp.GetAsync($"/label/{audit}")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await staffHttp.GetAsync($"/api/label/{audit}")).StatusCode);
    }
}
