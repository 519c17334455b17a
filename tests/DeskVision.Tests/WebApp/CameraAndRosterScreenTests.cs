using DeskVision.Store;
using DeskVision.Tests.Cameras;
using DeskVision.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace DeskVision.Tests.WebApp;

/// <summary>
/// The screens for what was API-only, used as a person would in Debian's chromium against the running app: an admin
/// adds a camera, tests its snapshot, gives its credentials and schedule and asks for an audit now; a manager fills a
/// week of the duty roster and copies it to the next week. Screenshots go to artifacts/screenshots/.
/// </summary>
[Collection(RunningAppCollection.Name)]
[Trait("Category", "Slow")]
public sealed class CameraAndRosterScreenTests(RunningApp app, Browser browser) : IClassFixture<Browser>
{
    private static Task<bool> ScrollsSidewaysAsync(IPage page) =>
        page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");

    [Fact]
    public async Task Admin_adds_a_camera_tests_its_snapshot_and_sets_its_credentials_and_schedule()
    {
        await app.AddCameraAsync(CameraMode.Live); // the hall "api-hall" exists
        string key = $"screen-{Guid.NewGuid():N}"[..15];
        string source = app.Cameras.Add(CameraMode.Basic); // answers only with the right user and password
        var page = await browser.SignedInPageAsync(app.BaseUrl, "admin");
        var errors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add($"{m.Text} ({m.Location}) on {page.Url}"); };

        // A wrong source is refused next to its field, and nothing is stored.
        await page.GotoAsync("/cameras/new");
        await page.SelectOptionAsync("select[name='Form.Site']", "api-hall");
        await page.FillAsync("input[name='Form.Key']", key);
        await page.FillAsync("input[name='Form.Window']", "9号窗口");
        await page.FillAsync("input[name='Form.Source']", "ftp://camera.local/picture");
        await page.ClickAsync("#camera-form button[type=submit]");
        await page.WaitForSelectorAsync(".field-error[data-field=source]");
        await using (var db = app.Database.NewContext()) Assert.False(await db.Cameras.AnyAsync(c => c.Key == key));

        await page.FillAsync("input[name='Form.Source']", source);
        await page.ClickAsync("#camera-form button[type=submit]");
        await page.WaitForURLAsync($"**/cameras/{key}/edit?done=added");
        await page.WaitForSelectorAsync("#flash");

        // Without credentials the camera answers 401: the test snapshot says why, in words.
        await page.ClickAsync("#test-snapshot");
        await page.WaitForSelectorAsync("#snapshot-error");
        Assert.Contains("401", await page.InnerTextAsync("#snapshot-error"));

        await page.FillAsync("input[name='Credentials.User']", CameraSimulator.User);
        await page.FillAsync("input[name='Credentials.Password']", CameraSimulator.Password);
        await page.ClickAsync("#credentials-form button[type=submit]");
        await page.WaitForSelectorAsync("#password-set");
        Assert.DoesNotContain(CameraSimulator.Password, await page.ContentAsync()); // never shown back
        Assert.Equal("", await page.InputValueAsync("input[name='Credentials.Password']"));

        await page.ClickAsync("#test-snapshot");
        await page.WaitForSelectorAsync("#snapshot-image");
        Assert.True(await page.EvalOnSelectorAsync<int>("#snapshot-image", "img => img.decode().then(() => img.naturalWidth)") > 0);
        await Browser.ShotAsync(page, "camera-edit-1366");

        await page.CheckAsync("input[name='Schedule.Enabled']");
        await page.FillAsync("input[name='Schedule.Bands']", "09:00-11:00 14:00-16:00");
        await page.FillAsync("input[name='Schedule.SpotChecks']", "3");
        await page.FillAsync("input[name='Schedule.BurstSize']", "2");
        await page.FillAsync("input[name='Schedule.BurstInterval']", "15");
        await page.ClickAsync("#schedule-form button[type=submit]");
        await page.WaitForURLAsync($"**/cameras/{key}/edit?done=schedule");

        await page.ClickAsync("#audit-now");
        await page.WaitForURLAsync($"**/cameras/{key}/edit?done=audit");

        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        Assert.False(await ScrollsSidewaysAsync(page), "the camera page scrolls sideways at 390 px");
        await Browser.ShotAsync(page, "camera-edit-390");
        Assert.Empty(errors);

        await using (var db = app.Database.NewContext())
        {
            var camera = await db.Cameras.Include(c => c.Window).SingleAsync(c => c.Key == key);
            Assert.Equal(("9号窗口", CameraSimulator.User, true), (camera.Window.Name, camera.User, camera.ScheduleEnabled));
            Assert.Equal(("09:00-11:00 14:00-16:00", 3, 2, 15), (camera.InspectionBands, camera.SpotChecksPerDay, camera.BurstSize, camera.BurstIntervalSeconds));
            Assert.NotEqual(CameraSimulator.Password, camera.PasswordProtected);
            Assert.True(await db.PlannedAudits.AnyAsync(p => p.CameraId == camera.Id));
            var actions = await db.AuditLog.Where(e => e.Subject == $"camera:{key}" && e.Actor == "admin").Select(e => e.Action).ToListAsync();
            Assert.Equal(["camera.create", "camera.credentials", "camera.schedule"], actions.Order().ToArray());
            Assert.DoesNotContain(await db.AuditLog.Where(e => e.Subject == $"camera:{key}").Select(e => e.Details).ToListAsync(), d => d != null && d.Contains(CameraSimulator.Password));
        }
    }

    [Fact]
    public async Task Manager_fills_a_week_of_the_roster_and_copies_it_to_the_next_week()
    {
        string camera = await app.AddCameraAsync(CameraMode.Live);
        int siteId, windowId, staffId;
        string staffName = $"周{Guid.NewGuid():N}"[..6];
        await using (var db = app.Database.NewContext())
        {
            var c = await db.Cameras.Include(x => x.Window).SingleAsync(x => x.Key == camera);
            (siteId, windowId) = (c.Window.SiteId, c.WindowId);
            var person = new Staff { SiteId = siteId, Name = staffName, WindowId = windowId };
            db.Staff.Add(person);
            await db.SaveChangesAsync();
            staffId = person.Id;
        }
        string manager = $"roster-{Guid.NewGuid():N}"[..14];
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, manager, Roles.Manager, null, siteId);
        var page = await browser.SignedInPageAsync(app.BaseUrl, manager);

        // A week in the past, so nothing else in the suite has shifts there.
        await page.GotoAsync("/roster?site=api-hall&week=2025-03-05");
        Assert.Equal("2025-03-03 至 03-09", await page.InnerTextAsync("#week"));
        await page.SelectOptionAsync("select[name='Add.StaffId']", staffId.ToString());
        await page.SelectOptionAsync("select[name='Add.WindowId']", windowId.ToString());
        await page.FillAsync("input[name='Add.Day']", "2025-03-04");
        await page.FillAsync("input[name='Add.From']", "09:00");
        await page.FillAsync("input[name='Add.To']", "12:00");
        await page.ClickAsync("#add-shift button[type=submit]");
        await page.WaitForSelectorAsync("#flash");
        var shift = page.Locator(".shift", new() { HasText = staffName });
        Assert.Equal(1, await shift.CountAsync());
        Assert.Contains("09:00–12:00", await shift.InnerTextAsync());

        // The same person at the same time again overlaps: refused, said in words.
        await page.SelectOptionAsync("select[name='Add.StaffId']", staffId.ToString());
        await page.SelectOptionAsync("select[name='Add.WindowId']", windowId.ToString());
        await page.FillAsync("input[name='Add.Day']", "2025-03-04");
        await page.FillAsync("input[name='Add.From']", "11:00");
        await page.FillAsync("input[name='Add.To']", "13:00");
        await page.ClickAsync("#add-shift button[type=submit]");
        await page.WaitForSelectorAsync("#problem");
        await Browser.ShotAsync(page, "roster-1366");

        await page.ClickAsync("#next-week");
        await page.ClickAsync("#copy-last-week button");
        await page.WaitForSelectorAsync("#flash");
        Assert.Contains("1", await page.InnerTextAsync("#flash"));
        Assert.Equal("2025-03-10 至 03-16", await page.InnerTextAsync("#week"));
        Assert.Contains("09:00–12:00", await page.Locator(".shift", new() { HasText = staffName }).InnerTextAsync());

        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        Assert.False(await ScrollsSidewaysAsync(page), "the roster page scrolls sideways at 390 px");
        await Browser.ShotAsync(page, "roster-390");

        await using (var db = app.Database.NewContext())
        {
            var shifts = await db.DutyShifts.Where(s => s.StaffId == staffId).OrderBy(s => s.From).ToListAsync();
            Assert.Equal(2, shifts.Count);
            Assert.Equal(TimeSpan.FromDays(7), shifts[1].From - shifts[0].From);
            Assert.Equal(2, await db.AuditLog.CountAsync(e => e.Actor == manager && e.Action == "roster.add"));
        }
    }
}
