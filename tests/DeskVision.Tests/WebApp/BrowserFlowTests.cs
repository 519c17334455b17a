using System.Net.Http.Json;
using System.Text.Json;
using DeskVision.Store;
using DeskVision.Tests.Cameras;
using DeskVision.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace DeskVision.Tests.WebApp;

/// <summary>
/// The main flows of the manager and staff pages in Debian's chromium against the running app (real process, Hangfire,
/// database, detector): heatmap → cell → review → false positive; drawing a zone; "my desk" and an appeal, and what
/// staff may not reach; a webhook fed by Hangfire with a retry. Screenshots go to artifacts/screenshots/.
/// </summary>
[Collection(RunningAppCollection.Name)]
[Trait("Category", "Slow")]
public sealed class BrowserFlowTests(RunningApp app, Browser browser) : IClassFixture<Browser>
{
    /// <summary>Bowls of fruit and broccoli, nobody at the desk: an unattended window and eating, both major.</summary>
    private const string NoOneEating = "000000000009.jpg";

    private async Task<(string Camera, int WindowId, int SiteId)> CameraAsync()
    {
        string camera = await app.AddCameraAsync(CameraMode.Live);
        await using var db = app.Database.NewContext();
        var c = await db.Cameras.Include(x => x.Window).SingleAsync(x => x.Key == camera);
        return (camera, c.WindowId, c.Window.SiteId);
    }

    private async Task<long> UploadAsync(string camera, string photo = NoOneEating)
    {
        var image = new ByteArrayContent(File.ReadAllBytes(TestData.Coco(photo)));
        image.Headers.ContentType = new("image/jpeg");
        var response = await app.Http.PostAsync($"/api/cameras/{camera}/snapshots", image);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("auditId").GetInt64();
    }

    private async Task<string> AccountAsync(string role, int? staffId = null, params int[] sites)
    {
        string name = $"{role}-{Guid.NewGuid():N}"[..14];
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, name, role, staffId, sites);
        return name;
    }

    [Fact]
    public async Task Manager_goes_from_a_heatmap_cell_to_the_audit_and_marks_a_false_positive()
    {
        var (camera, window, site) = await CameraAsync();
        await UploadAsync(camera);
        await UploadAsync(camera);
        string manager = await AccountAsync(Roles.Manager, null, site);
        var page = await browser.SignedInPageAsync(app.BaseUrl, manager);

        await page.GotoAsync($"/heatmaps?site=api-hall&window={window}");
        await page.WaitForSelectorAsync("#heat-time");
        await page.Locator("img#density").EvaluateAsync("img => img.decode()");
        await Browser.ShotAsync(page, "heatmaps");
        await page.Locator($"#heat-time a[href*='window={window}&']").First.ClickAsync();
        await page.WaitForSelectorAsync("#cell-audits");
        await page.Locator("#cell-audits a[href^='/review/']").First.ClickAsync();
        await page.WaitForSelectorAsync(".evidence svg rect.violation");
        Assert.True(await page.Locator(".evidence svg rect.detection").CountAsync() >= 1);
        await Browser.ShotAsync(page, "review");

        long audit = long.Parse(page.Url.Split("/review/")[1].Split('?', '#')[0]);
        await page.Locator("input[name=note]").First.FillAsync("盆里是水果模型 fruit models, not food");
        await page.Locator("button.false-positive").First.ClickAsync();
        await page.WaitForSelectorAsync("p.flash");
        Assert.True(await page.GetByText("误报（不计分）").First.IsVisibleAsync());
        await Browser.ShotAsync(page, "review-false-positive");
        await using (var db = app.Database.NewContext())
        {
            var overturned = await db.Appeals.Where(p => p.Violation.AuditId == audit && p.Outcome == AppealOutcomes.Overturned).SingleAsync();
            Assert.Contains(manager, overturned.DecidedBy);
            Assert.True(await db.AuditLog.AnyAsync(e => e.Actor == manager && e.Action == "violation.false-positive"));
        }

        await page.GotoAsync("/trends?site=api-hall");
        await page.WaitForSelectorAsync("svg#trend-scores");
        await Browser.ShotAsync(page, "trends");
        await page.GotoAsync($"/heatmaps?site=api-hall&window={window}&lang=en");
        Assert.Equal("Heatmaps", await page.Locator("nav.menu a[href='/heatmaps']").InnerTextAsync());
        await Browser.ShotAsync(page, "heatmaps-en");
    }

    [Fact]
    public async Task Manager_draws_a_zone_on_the_cameras_picture_and_saves_it()
    {
        var (camera, _, site) = await CameraAsync();
        await UploadAsync(camera);
        var page = await browser.SignedInPageAsync(app.BaseUrl, await AccountAsync(Roles.Manager, null, site));
        await page.GotoAsync($"/cameras/{camera}/zones");
        await page.Locator("#zone-editor img").EvaluateAsync("img => img.decode()");
        await page.ClickAsync("#zone-add");
        var box = (await page.Locator("svg.zones").BoundingBoxAsync())!;
        // The new zone's first point is at (0.35, 0.35): drag it to (0.1, 0.15).
        await page.Mouse.MoveAsync(box.X + 0.35f * box.Width, box.Y + 0.35f * box.Height);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + 0.2f * box.Width, box.Y + 0.25f * box.Height, new() { Steps = 4 });
        await page.Mouse.MoveAsync(box.X + 0.1f * box.Width, box.Y + 0.15f * box.Height, new() { Steps = 4 });
        await page.Mouse.UpAsync();

        // A name another zone has is refused, next to the zone.
        await page.Locator("#zone-list .zone-name").Last.FillAsync("seat");
        await page.ClickAsync("#zone-save");
        await page.WaitForSelectorAsync("#zone-errors li");
        Assert.Contains("used by two zones", await page.Locator("#zone-errors").InnerTextAsync());
        await page.Locator("#zone-list .zone-name").Last.FillAsync("counter");
        await page.Locator("#zone-list .zone-kind").Last.SelectOptionAsync("desk");
        await page.ClickAsync("#zone-save");
        await page.WaitForSelectorAsync("#zone-status.ok");
        await Browser.ShotAsync(page, "zone-editor");

        await using var db = app.Database.NewContext();
        var zone = await db.CameraZones.SingleAsync(z => z.Name == "counter" && db.Cameras.Any(c => c.Key == camera && c.Id == z.CameraId));
        Assert.Equal("desk", zone.Kind);
        Assert.InRange(zone.Polygon[0][0], 0.08, 0.12);
        Assert.InRange(zone.Polygon[0][1], 0.13, 0.17);
        Assert.True(await db.AuditLog.AnyAsync(e => e.Subject == $"camera:{camera}" && e.Action == "camera.zones"));
    }

    [Fact]
    public async Task Staff_sees_their_desk_appeals_and_cannot_reach_anothers_records()
    {
        var (camera, window, site) = await CameraAsync();
        var (otherCamera, otherWindow, _) = await CameraAsync();
        int me;
        await using (var db = app.Database.NewContext())
        {
            var a = db.Staff.Add(new Staff { SiteId = site, Name = $"刘{Guid.NewGuid():N}"[..5] }).Entity;
            var b = db.Staff.Add(new Staff { SiteId = site, Name = $"陈{Guid.NewGuid():N}"[..5] }).Entity;
            await db.SaveChangesAsync();
            var now = DateTimeOffset.UtcNow;
            db.DutyShifts.Add(new DutyShift { StaffId = a.Id, WindowId = window, From = now.AddHours(-1), To = now.AddHours(8) });
            db.DutyShifts.Add(new DutyShift { StaffId = b.Id, WindowId = otherWindow, From = now.AddHours(-1), To = now.AddHours(8) });
            await db.SaveChangesAsync();
            me = a.Id;
        }
        long mine = await UploadAsync(camera);
        long theirs = await UploadAsync(otherCamera);

        var page = await browser.SignedInPageAsync(app.BaseUrl, await AccountAsync(Roles.Staff, me));
        await page.GotoAsync("/me");
        await page.WaitForSelectorAsync("#me-today");
        Assert.True(await page.Locator("form.appeal").CountAsync() >= 1);
        Assert.True(await page.Locator("blockquote.standard-text[lang=zh-CN]").First.IsVisibleAsync());   // the clause's own Chinese text
        await page.Locator("img[src^='/evidence/violations/']").First.EvaluateAsync("img => img.decode()");
        await Browser.ShotAsync(page, "my-desk");
        await page.Locator("form.appeal input[name=reason]").First.FillAsync("顾客寄放的物品 A customer left it with me");
        await page.Locator("form.appeal button").First.ClickAsync();
        await page.WaitForSelectorAsync("#flash");
        await using (var db = app.Database.NewContext())
            Assert.True(await db.Appeals.AnyAsync(p => p.StaffId == me && p.Violation.AuditId == mine));

        // With the browser's own cookies: another's picture and audit are not found, the manager pages forbidden.
        async Task<int> Status(string path) => (await page.Context.APIRequest.GetAsync(path, new() { MaxRedirects = 0 })).Status;
        Assert.Equal(404, await Status($"/evidence/audits/{theirs}"));
        Assert.Equal(404, await Status($"/audits/{theirs}"));
        Assert.Equal(403, await Status($"/review/{mine}"));
        Assert.Equal(403, await Status("/heatmaps"));
        Assert.Equal(200, await Status($"/evidence/audits/{mine}"));
        await page.GotoAsync("/me?lang=en");
        Assert.True(await page.GetByText("What the standard asks").First.IsVisibleAsync());
        await Browser.ShotAsync(page, "my-desk-en");
    }

    [Fact]
    public async Task A_major_violation_reaches_the_halls_webhook_through_hangfire_even_after_a_failed_try()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (camera, _, site) = await CameraAsync();
        using var manager = await SignedInClient.SignInAsync(app.BaseUrl, await AccountAsync(Roles.Manager, null, site));
        string token = SignedInClient.FormToken(await manager.GetStringAsync("/sites/api-hall/webhooks"));
        receiver.FailNext = 1;
        (await manager.PostAsync("/sites/api-hall/webhooks", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["url"] = receiver.Url("/hook"), ["format"] = WebhookFormats.Json,
        }))).EnsureSuccessStatusCode();
        try
        {
            long audit = await UploadAsync(camera);
            var until = DateTime.UtcNow.AddSeconds(60);
            bool Delivered() => receiver.Received.Any(r => r.Body.Contains($"\"audit\":{audit},") && r.Body.Contains("\"event\":\"violation.major\""));
            while (DateTime.UtcNow < until && !(Delivered() && receiver.Refused.All(refused => receiver.Received.Any(r => r.Body == refused))))
                await Task.Delay(250);
            Assert.True(Delivered(), $"no message for audit {audit}; received {receiver.Received.Count}\n{app.Output}");
            string failed = Assert.Single(receiver.Refused);                       // the first try got 500 ...
            Assert.Contains(receiver.Received, r => r.Body == failed);             // ... and Hangfire's retry delivered it
        }
        finally
        {
            await using var db = app.Database.NewContext();
            await db.SiteWebhooks.Where(h => h.Url == receiver.Url("/hook")).ExecuteDeleteAsync();
        }
    }
}
