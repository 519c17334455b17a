using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Tests.Cameras;
using DeskVision.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Tests.Api;

/// <summary>
/// Who may see what, over HTTP on the running app, for each role: anonymous, staff of hall A, staff of hall B, manager of
/// hall A, manager of hall B, admin. Staff never reach another person's audits, images or pages by any id.
/// </summary>
[Collection(RunningAppCollection.Name)]
public sealed class AccessMatrixTests(RunningApp app) : IAsyncLifetime
{
    private readonly string _s = Guid.NewGuid().ToString("N")[..6];
    private readonly Dictionary<string, HttpClient> _as = [];
    private long _auditA, _auditB;
    private int _staffA, _staffB;
    private string HallA => $"hall-a-{_s}";
    private string HallB => $"hall-b-{_s}";

    public async Task InitializeAsync()
    {
        int siteA, siteB;
        await using (var db = app.Database.NewContext())
        {
            foreach (var hall in new[] { HallA, HallB })
                await TestCameras.AddAsync(db, $"cam-{hall}", hall, $"{hall}-1号窗口", app.Cameras.Add(CameraMode.Live));
            siteA = await db.Sites.Where(s => s.Key == HallA).Select(s => s.Id).SingleAsync();
            siteB = await db.Sites.Where(s => s.Key == HallB).Select(s => s.Id).SingleAsync();
            var a = db.Staff.Add(new Staff { SiteId = siteA, Name = $"甲{_s}" }).Entity;
            var b = db.Staff.Add(new Staff { SiteId = siteB, Name = $"乙{_s}" }).Entity;
            await db.SaveChangesAsync();
            (_staffA, _staffB) = (a.Id, b.Id);
            var now = DateTimeOffset.UtcNow;
            foreach (var (staff, hall) in new[] { (a.Id, HallA), (b.Id, HallB) })
            {
                int window = await db.Windows.Where(w => w.Site.Key == hall).Select(w => w.Id).SingleAsync();
                db.DutyShifts.Add(new DutyShift { StaffId = staff, WindowId = window, From = now.AddHours(-2), To = now.AddHours(2) });
            }
            await db.SaveChangesAsync();
        }
        _auditA = await UploadAsync($"cam-{HallA}");
        _auditB = await UploadAsync($"cam-{HallB}");

        var cs = app.Database.ConnectionString;
        await SignedInClient.CreateAccountAsync(cs, $"staff-a-{_s}", Roles.Staff, _staffA);
        await SignedInClient.CreateAccountAsync(cs, $"staff-b-{_s}", Roles.Staff, _staffB);
        await SignedInClient.CreateAccountAsync(cs, $"manager-a-{_s}", Roles.Manager, null, siteA);
        await SignedInClient.CreateAccountAsync(cs, $"manager-b-{_s}", Roles.Manager, null, siteB);
        _as["anonymous"] = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.BaseUrl };
        foreach (string who in new[] { "staff-a", "staff-b", "manager-a", "manager-b" })
            _as[who] = await SignedInClient.SignInAsync(app.BaseUrl, $"{who}-{_s}");
        _as["admin"] = app.Http;
    }

    public Task DisposeAsync()
    {
        foreach (var (who, client) in _as) if (who != "admin") client.Dispose();
        return Task.CompletedTask;
    }

    private async Task<long> UploadAsync(string camera)
    {
        var image = new ByteArrayContent(File.ReadAllBytes(TestData.Coco("000000000459.jpg")));
        image.Headers.ContentType = new("image/jpeg");
        var response = await app.Http.PostAsync($"/api/cameras/{camera}/snapshots", image);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("auditId").GetInt64();
    }

    private async Task Expect(string who, string path, HttpStatusCode expected)
    {
        var response = await _as[who].GetAsync(path.Replace("{A}", _auditA.ToString()).Replace("{B}", _auditB.ToString())
            .Replace("{hallA}", HallA).Replace("{hallB}", HallB).Replace("{staffA}", _staffA.ToString()).Replace("{staffB}", _staffB.ToString()));
        Assert.True(response.StatusCode == expected, $"{who} GET {path}: expected {(int)expected}, got {(int)response.StatusCode}");
    }

    private const HttpStatusCode Ok = HttpStatusCode.OK, NotFound = HttpStatusCode.NotFound, Forbidden = HttpStatusCode.Forbidden,
        Unauthorized = HttpStatusCode.Unauthorized, Redirect = HttpStatusCode.Redirect;

    public static TheoryData<string, string, HttpStatusCode> Matrix => new()
    {
        // An audit of hall A: its staff on duty, its manager and the admin; nobody else, by id or by image.
        { "anonymous", "/api/audits/{A}", Unauthorized }, { "staff-a", "/api/audits/{A}", Ok }, { "staff-b", "/api/audits/{A}", NotFound },
        { "manager-a", "/api/audits/{A}", Ok }, { "manager-b", "/api/audits/{A}", NotFound }, { "admin", "/api/audits/{A}", Ok },
        { "staff-a", "/api/audits/{B}", NotFound }, { "manager-a", "/api/audits/{B}", NotFound }, { "manager-b", "/api/audits/{B}", Ok },
        { "anonymous", "/evidence/audits/{A}", Redirect }, { "staff-a", "/evidence/audits/{A}", Ok }, { "staff-b", "/evidence/audits/{A}", NotFound },
        { "manager-b", "/evidence/audits/{A}", NotFound }, { "staff-a", "/audits/{A}", Ok }, { "staff-b", "/audits/{A}", NotFound },
        { "staff-b", "/evidence/audits/{A}/marked.png", NotFound }, { "manager-b", "/audits/{A}", NotFound }, { "staff-b", "/audits/{A}/scorecard", Forbidden },
        { "staff-a", "/api/audits/{A}/scorecard", Ok }, { "staff-b", "/api/audits/{A}/scorecard", NotFound },
        // Pages need a sign-in; the API answers 401 instead of redirecting.
        { "anonymous", "/", Redirect }, { "anonymous", "/api/cameras", Unauthorized }, { "anonymous", "/login", Ok },
        // Staff pages: one's own only.
        { "staff-a", "/staff/{staffA}", Ok }, { "staff-a", "/staff/{staffB}", NotFound }, { "manager-a", "/staff/{staffA}", Ok },
        { "manager-a", "/staff/{staffB}", NotFound }, { "staff-a", "/staff", Forbidden }, { "staff-a", "/appeals", Forbidden },
        // Cameras, reports and the roster are for managers of the hall, and admins.
        { "staff-a", "/api/cameras", Forbidden }, { "staff-a", "/cameras", Forbidden }, { "manager-a", "/cameras", Ok },
        { "staff-a", "/reports/monthly?site={hallA}", Forbidden }, { "manager-a", "/reports/monthly?site={hallA}", Ok },
        { "manager-a", "/reports/monthly?site={hallB}", NotFound }, { "manager-b", "/api/rollups/window?site={hallA}", NotFound },
        { "admin", "/reports/monthly?site={hallB}", Ok }, { "staff-a", "/api/roster", Forbidden },
        // Detector evaluation material and the job dashboard: admins only.
        { "manager-a", "/api/false-positives", Forbidden }, { "admin", "/api/false-positives", Ok },
        { "manager-a", "/hangfire", Forbidden }, { "admin", "/hangfire", Ok },
        // Accounts and the audit log: admins only.
        { "anonymous", "/admin/users", Redirect }, { "staff-a", "/admin/users", Forbidden }, { "manager-a", "/admin/users", Forbidden },
        { "admin", "/admin/users", Ok }, { "manager-a", "/admin/audit-log", Forbidden }, { "admin", "/admin/audit-log", Ok },
        // A camera's details: the hall's managers and admins.
        { "manager-a", "/api/cameras/cam-{hallA}", Ok }, { "manager-b", "/api/cameras/cam-{hallA}", NotFound }, { "staff-a", "/api/cameras/cam-{hallA}", Forbidden },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public Task Only_the_role_that_may_see_it_gets_it(string who, string path, HttpStatusCode expected) => Expect(who, path, expected);

    [Fact]
    public async Task Manager_lists_only_the_cameras_of_their_own_hall()
    {
        var keys = (await _as["manager-a"].GetFromJsonAsync<JsonElement>("/api/cameras")).EnumerateArray().Select(c => c.GetProperty("key").GetString()).ToList();
        Assert.Contains($"cam-{HallA}", keys);
        Assert.DoesNotContain($"cam-{HallB}", keys);
        var audits = (await _as["staff-a"].GetFromJsonAsync<JsonElement>("/api/audits?limit=500")).EnumerateArray().Select(a => a.GetProperty("id").GetInt64()).ToList();
        Assert.Contains(_auditA, audits);
        Assert.DoesNotContain(_auditB, audits);
    }

    [Fact]
    public async Task Manager_reads_and_changes_only_the_roster_of_their_own_hall()
    {
        int windowA;
        await using (var db = app.Database.NewContext()) windowA = await db.Windows.Where(w => w.Site.Key == HallA).Select(w => w.Id).SingleAsync();
        var shifts = await _as["manager-b"].GetFromJsonAsync<JsonElement>($"/api/roster?window={windowA}");
        Assert.Equal(0, shifts.GetArrayLength());
        Assert.True((await _as["manager-a"].GetFromJsonAsync<JsonElement>($"/api/roster?window={windowA}")).GetArrayLength() > 0);
        var intoOtherHall = await _as["manager-b"].PostAsJsonAsync("/api/roster",
            new { staffId = _staffA, windowId = windowA, from = DateTimeOffset.UtcNow.AddDays(3), to = DateTimeOffset.UtcNow.AddDays(3).AddHours(1) });
        Assert.Equal(HttpStatusCode.BadRequest, intoOtherHall.StatusCode);
        long shiftA;
        await using (var db = app.Database.NewContext()) shiftA = await db.DutyShifts.Where(s => s.WindowId == windowA).Select(s => s.Id).FirstAsync();
        Assert.Equal(NotFound, (await _as["manager-b"].DeleteAsync($"/api/roster/{shiftA}")).StatusCode);
        await using (var db = app.Database.NewContext()) Assert.True(await db.DutyShifts.AnyAsync(s => s.Id == shiftA));
    }

    [Fact]
    public async Task Only_admins_change_schedules_and_credentials_and_the_change_is_logged()
    {
        var byManager = await _as["manager-a"].PutAsJsonAsync($"/api/cameras/cam-{HallA}/schedule", new { everyMinutes = 30 });
        Assert.Equal(Forbidden, byManager.StatusCode);
        Assert.Equal(Forbidden, (await _as["manager-a"].PutAsJsonAsync($"/api/cameras/cam-{HallA}/credentials", new { user = "x", password = "y" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.Http.PutAsJsonAsync($"/api/cameras/cam-{HallA}/schedule", new { everyMinutes = 30 })).StatusCode);
        await using var db = app.Database.NewContext();
        var entry = await db.AuditLog.Where(e => e.Subject == $"camera:cam-{HallA}").OrderByDescending(e => e.Id).FirstAsync();
        Assert.Equal(("admin", "camera.schedule"), (entry.Actor, entry.Action));
    }
}
