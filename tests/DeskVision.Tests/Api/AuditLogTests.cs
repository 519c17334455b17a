using System.Net;
using System.Net.Http.Json;
using DeskVision.Store;
using DeskVision.Tests.Cameras;
using DeskVision.Tests.Fixtures;
using DeskVision.Tests.Reports;
using DeskVision.Web.Reports;
using Microsoft.EntityFrameworkCore;
using static DeskVision.Tests.Reports.SeededMonth;

namespace DeskVision.Tests.Api;

/// <summary>
/// Every admin action done through HTTP on the running app writes exactly one audit log entry naming who did it and what
/// it was done to: camera, schedule and credential changes, zone edits, appeal decisions, false-positive marks, closed
/// violations, webhook, roster and account changes. New versions of the standard are logged when first loaded.
/// </summary>
[Collection(RunningAppCollection.Name)]
public sealed class AuditLogTests(RunningApp app) : IAsyncLifetime
{
    private readonly string _admin = $"log-admin-{Guid.NewGuid():N}"[..20];
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, _admin, Roles.Admin);
        _http = await SignedInClient.SignInAsync(app.BaseUrl, _admin);
    }

    public Task DisposeAsync()
    {
        _http.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Does <paramref name="act"/> and returns the one log entry this test's admin wrote meanwhile (fails on none or several).</summary>
    private async Task<AuditLogEntry> OneEntryAsync(Func<Task> act)
    {
        long before;
        await using (var db = app.Database.NewContext()) before = await db.AuditLog.MaxAsync(e => (long?)e.Id) ?? 0;
        await act();
        await using var after = app.Database.NewContext();
        var written = await after.AuditLog.AsNoTracking().Where(e => e.Id > before && e.Actor == _admin).ToListAsync();
        Assert.True(written.Count == 1, $"expected one entry, got {written.Count}: {string.Join(" | ", written.Select(e => $"{e.Action} {e.Subject}"))}");
        return written[0];
    }

    private static void Names(AuditLogEntry entry, string action, string subject)
    {
        Assert.Equal(action, entry.Action);
        Assert.Equal(subject, entry.Subject);
        Assert.True(entry.At > DateTimeOffset.UtcNow.AddMinutes(-5) && entry.At <= DateTimeOffset.UtcNow.AddMinutes(1), $"logged at {entry.At:O}");
    }

    private static async Task Ok(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private const string Zones = """[{"name":"counter","kind":"desk","polygon":[[0,0.4],[1,0.4],[1,0.7],[0,0.7]]}]""";

    [Fact]
    public async Task Adding_changing_and_removing_a_camera_write_one_entry_each_naming_the_admin_and_the_camera()
    {
        var hall = await TestHall.OpenAsync(app.Database, W1);
        string key = $"log-cam-{Guid.NewGuid():N}"[..16];
        string source = app.Cameras.Add(CameraMode.Live);

        var created = await OneEntryAsync(async () => await Ok(await _http.PostAsJsonAsync("/api/cameras", new { key, site = hall.Key, window = "9号窗口", source })));
        Names(created, "camera.create", $"camera:{key}");
        var changed = await OneEntryAsync(async () => await Ok(await _http.PutAsJsonAsync($"/api/cameras/{key}", new { window = "10号窗口" })));
        Names(changed, "camera.edit", $"camera:{key}");
        Assert.Contains("10号窗口", changed.Details);
        var removed = await OneEntryAsync(async () => await Ok(await _http.DeleteAsync($"/api/cameras/{key}")));
        Names(removed, "camera.delete", $"camera:{key}");
    }

    [Fact]
    public async Task Schedule_and_credential_changes_write_one_entry_each_and_never_the_password()
    {
        string camera = await app.AddCameraAsync(CameraMode.Live);

        var schedule = await OneEntryAsync(async () => await Ok(await _http.PutAsJsonAsync($"/api/cameras/{camera}/schedule", new { spotChecksPerDay = 3 })));
        Names(schedule, "camera.schedule", $"camera:{camera}");
        var credentials = await OneEntryAsync(async () => await Ok(await _http.PutAsJsonAsync($"/api/cameras/{camera}/credentials", new { user = "viewer", password = "s3cret-Pa55" })));
        Names(credentials, "camera.credentials", $"camera:{camera}");
        Assert.DoesNotContain("s3cret", credentials.Details ?? "");
    }

    [Fact]
    public async Task A_zone_edit_writes_one_entry_naming_the_camera()
    {
        string camera = await app.AddCameraAsync(CameraMode.Live);

        var entry = await OneEntryAsync(async () => await Ok(await _http.SubmitFormAsync($"/cameras/{camera}/zones", $"/cameras/{camera}/zones", ("zones", Zones))));

        Names(entry, "camera.zones", $"camera:{camera}");
    }

    /// <summary>A hall with one audit that found a phone and a cup at 1号窗口, 张敏 on duty; returns the violations.</summary>
    private async Task<(TestHall Hall, long Audit, long Phone, long Cup, int Staff)> HallWithViolationsAsync()
    {
        var hall = await TestHall.OpenAsync(app.Database, W1);
        var at = DateTimeOffset.UtcNow.AddMinutes(-30);
        int staff = await hall.StaffAsync("张敏");
        await hall.ShiftAsync(staff, W1, at.AddHours(-1), at.AddHours(1));
        long audit = await hall.AuditAsync(W1, at, (Phone, "counter"), (Cup, "counter"));
        return (hall, audit, (await hall.ViolationAsync(audit, Phone)).Id, (await hall.ViolationAsync(audit, Cup)).Id, staff);
    }

    [Fact]
    public async Task Upholding_or_overturning_an_appeal_writes_one_entry_naming_the_appeal()
    {
        var (_, _, phone, cup, staff) = await HallWithViolationsAsync();
        long first, second;
        await using (var db = app.Database.NewContext())
        {
            first = (await new Appeals(db, TimeProvider.System).FileAsync(phone, staff, "the phone is the hall's service phone", default)).Id;
            second = (await new Appeals(db, TimeProvider.System).FileAsync(cup, staff, "that cup is a pen holder", default)).Id;
        }

        var upheld = await OneEntryAsync(async () => await Ok(await _http.PostAsJsonAsync($"/api/appeals/{first}/decision", new { outcome = "upheld", note = "personal phone" })));
        Names(upheld, "appeal.upheld", $"appeal:{first}");
        Assert.Contains($"violation {phone}", upheld.Details);
        var overturned = await OneEntryAsync(async () => await Ok(await _http.SubmitFormAsync("/appeals", $"/appeals/{second}/decision", ("outcome", "overturned"), ("note", "pen holder"))));
        Names(overturned, "appeal.overturned", $"appeal:{second}");
    }

    [Fact]
    public async Task Marking_a_false_positive_confirming_or_closing_a_violation_writes_one_entry_naming_the_violation()
    {
        var (_, audit, phone, cup, _) = await HallWithViolationsAsync();

        var falsePositive = await OneEntryAsync(async () =>
            await Ok(await _http.SubmitFormAsync($"/review/{audit}", $"/review/violations/{phone}/false-positive", ("note", "a calculator"))));
        Names(falsePositive, "violation.false-positive", $"violation:{phone}");
        var confirmed = await OneEntryAsync(async () => await Ok(await _http.SubmitFormAsync($"/review/{audit}", $"/review/violations/{cup}/confirm")));
        Names(confirmed, "violation.confirm", $"violation:{cup}");
        var closed = await OneEntryAsync(async () => await Ok(await _http.PostAsJsonAsync($"/api/violations/{cup}/close", new { note = "cup put away" })));
        Names(closed, "violation.close", $"violation:{cup}");
    }

    [Fact]
    public async Task Adding_switching_off_and_removing_a_webhook_write_one_entry_each_naming_the_hall()
    {
        var hall = await TestHall.OpenAsync(app.Database, W1);
        string page = $"/sites/{hall.Key}/webhooks";

        Names(await OneEntryAsync(async () => await Ok(await _http.SubmitFormAsync(page, page, ("url", "http://127.0.0.1:9/hook?key=k"), ("format", "wecom")))),
            "site.webhook", $"site:{hall.Key}");
        int id;
        int site = (await hall.SiteAsync()).Id;
        await using (var db = app.Database.NewContext()) id = await db.SiteWebhooks.Where(h => h.SiteId == site).Select(h => h.Id).SingleAsync();
        Names(await OneEntryAsync(async () => await Ok(await _http.SubmitFormAsync(page, $"{page}/{id}/enabled", ("enabled", "false")))), "site.webhook", $"site:{hall.Key}");
        Names(await OneEntryAsync(async () => await Ok(await _http.SubmitFormAsync(page, $"{page}/{id}/delete"))), "site.webhook", $"site:{hall.Key}");
    }

    [Fact]
    public async Task Adding_and_removing_a_shift_of_the_roster_write_one_entry_each_naming_the_shift()
    {
        var hall = await TestHall.OpenAsync(app.Database, W1);
        int staff = await hall.StaffAsync("李强");
        int window;
        await using (var db = app.Database.NewContext()) window = await db.Windows.Where(w => w.Site.Key == hall.Key).Select(w => w.Id).SingleAsync();
        long shift = 0;

        var added = await OneEntryAsync(async () =>
        {
            var response = await _http.PostAsJsonAsync("/api/roster", new { staffId = staff, windowId = window, from = TestHall.At(5, 4, 9), to = TestHall.At(5, 4, 12) });
            await Ok(response);
            shift = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetInt64();
        });
        Names(added, "roster.add", $"shift:{shift}");
        Names(await OneEntryAsync(async () => await Ok(await _http.DeleteAsync($"/api/roster/{shift}"))), "roster.remove", $"shift:{shift}");
    }

    [Fact]
    public async Task Creating_an_account_and_changing_its_role_password_and_state_write_one_entry_each_naming_the_account()
    {
        var hall = await TestHall.OpenAsync(app.Database, W1);
        var site = await hall.SiteAsync();
        string name = $"u-{Guid.NewGuid():N}"[..12];
        string subject = $"user:{name}";

        Names(await OneEntryAsync(async () => await Ok(await _http.SubmitFormAsync("/admin/users", "/admin/users",
            ("userName", name), ("displayName", "王芳"), ("role", Roles.Manager), ("sites", site.Id.ToString()), ("password", "first-password-1")))), "user.create", subject);
        int id;
        await using (var db = app.Database.NewContext()) id = await db.Users.Where(u => u.UserName == name).Select(u => u.Id).SingleAsync();
        string page = $"/admin/users/{id}";
        var role = await OneEntryAsync(async () => await Ok(await _http.SubmitFormAsync(page, $"{page}/role", ("role", Roles.Admin))));
        Names(role, "user.role", subject);
        Assert.Equal($"manager of {hall.Key} → admin", role.Details);
        var password = await OneEntryAsync(async () => await Ok(await _http.SubmitFormAsync(page, $"{page}/password", ("password", "second-password-2"))));
        Names(password, "user.password", subject);
        Assert.DoesNotContain("second-password", password.Details ?? "");
        Names(await OneEntryAsync(async () => await Ok(await _http.SubmitFormAsync(page, $"{page}/enabled", ("enabled", "false")))), "user.disable", subject);
        Names(await OneEntryAsync(async () => await Ok(await _http.SubmitFormAsync(page, $"{page}/enabled", ("enabled", "true")))), "user.enable", subject);
    }

    [Fact]
    public async Task A_new_version_of_the_standard_is_logged_once_naming_the_clauses_that_changed()
    {
        // The site edits its standard file: here, a copy of the shipped one under a name of its own, then one clause's points.
        var first = TestHall.Standard with { Name = $"standard-{Guid.NewGuid():N}"[..20], ContentHash = Guid.NewGuid().ToString("N") };
        var cup = first.Find(Cup)!;
        var second = first with
        {
            Version = "edited", ContentHash = Guid.NewGuid().ToString("N"),
            Clauses = first.Clauses.Select(c => c == cup ? c with { MaxPoints = c.MaxPoints + 1 } : c).ToList(),
        };
        string subject = $"standard:{first.Name}";

        foreach (var standard in new[] { first, first, second, second })
        {
            await using var db = app.Database.NewContext();
            await new AuditWriter(db).EnsureStandardAsync(standard, default);
        }

        await using var check = app.Database.NewContext();
        var entries = await check.AuditLog.AsNoTracking().Where(e => e.Subject == subject).OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal(("standard-file", "standard.version"), (e.Actor, e.Action)));
        Assert.Contains("first version", entries[0].Details);
        Assert.Contains($"1 changed, 0 added, 0 removed; changed {Cup}", entries[1].Details);
    }

    [Fact]
    public async Task The_audit_log_page_shows_admins_the_newest_first_a_page_at_a_time_and_filtered_by_action()
    {
        string camera = await app.AddCameraAsync(CameraMode.Live);
        for (int n = 1; n <= 3; n++) await Ok(await _http.PutAsJsonAsync($"/api/cameras/{camera}/schedule", new { spotChecksPerDay = n }));

        string filtered = await _http.GetStringAsync("/admin/audit-log?action=camera.schedule&lang=en");
        // The details are stored as the JSON of the change and shown as a readable list of the fields that were given.
        int newest = filtered.IndexOf("<ins>3</ins>", StringComparison.Ordinal), oldest = filtered.IndexOf("<ins>1</ins>", StringComparison.Ordinal);
        Assert.True(newest >= 0 && oldest > newest, "the newest change comes first");
        Assert.Contains("<span class=\"field\">SpotChecksPerDay</span>", filtered);
        Assert.DoesNotContain("&quot;SpotChecksPerDay&quot;", filtered);   // no raw JSON
        Assert.DoesNotContain("<code>camera.zones</code>", filtered);
        Assert.Contains("Page 1", filtered);

        await using (var db = app.Database.NewContext())
        {
            // Enough entries for a second page.
            db.AuditLog.AddRange(Enumerable.Range(0, 60).Select(i => new AuditLogEntry
            {
                At = DateTimeOffset.UtcNow.AddDays(-1).AddSeconds(i), Actor = _admin, Action = "test.paging", Subject = $"row:{i}",
            }));
            await db.SaveChangesAsync();
        }
        string one = await _http.GetStringAsync("/admin/audit-log?action=test.paging&lang=en");
        string two = await _http.GetStringAsync("/admin/audit-log?action=test.paging&page=2&lang=en");
        Assert.Contains("<td>row:59</td>", one);
        Assert.DoesNotContain("<td>row:9</td>", one);
        Assert.Contains("id=\"older\"", one);
        Assert.Contains("<td>row:9</td>", two);
        Assert.Contains("<td>row:0</td>", two);
        Assert.DoesNotContain("id=\"older\"", two);
    }
}
