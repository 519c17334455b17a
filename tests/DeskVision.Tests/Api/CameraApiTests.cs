using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DeskVision.Store;
using DeskVision.Tests.Cameras;
using DeskVision.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DeskVision.Tests.Api;

/// <summary>The camera API of the running web app: uploads, credentials, schedules and "audit now".</summary>
[Collection(RunningAppCollection.Name)]
public sealed class CameraApiTests(RunningApp app)
{
    private static ByteArrayContent Image(byte[] bytes, string type = "image/jpeg")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    private async Task<JsonElement> Audit(long id)
    {
        var response = await app.Http.GetAsync($"/api/audits/{id}");
        Assert.True(response.IsSuccessStatusCode, $"GET /api/audits/{id}: {(int)response.StatusCode}\n{app.Output}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Photo_uploaded_from_a_phone_is_audited_at_once()
    {
        string camera = await app.AddCameraAsync(CameraMode.Live);
        var response = await app.Http.PostAsync($"/api/cameras/{camera}/snapshots", Image(File.ReadAllBytes(TestData.Coco("000000000459.jpg"))));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        long id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("auditId").GetInt64();
        var audit = await Audit(id);
        Assert.Equal("ok", audit.GetProperty("status").GetString());
        Assert.Contains(audit.GetProperty("detections").EnumerateArray(), d => d.GetProperty("label").GetString() == "person");
    }

    [Fact]
    public async Task Truncated_upload_is_stored_as_a_failed_audit_with_the_reason()
    {
        string camera = await app.AddCameraAsync(CameraMode.Live);
        byte[] real = File.ReadAllBytes(TestData.Coco("000000000459.jpg"));
        var response = await app.Http.PostAsync($"/api/cameras/{camera}/snapshots", Image(real[..(real.Length / 2)]));
        long id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("auditId").GetInt64();
        var audit = await Audit(id);
        Assert.Equal("failed", audit.GetProperty("status").GetString());
        Assert.Contains("truncated", audit.GetProperty("failureReason").GetString());
    }

    [Fact]
    public async Task Upload_of_the_wrong_type_or_size_is_refused()
    {
        string camera = await app.AddCameraAsync(CameraMode.Live);
        var text = await app.Http.PostAsync($"/api/cameras/{camera}/snapshots", Image("hello"u8.ToArray(), "text/plain"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        var huge = await app.Http.PostAsync($"/api/cameras/{camera}/snapshots", Image(new byte[21 * 1024 * 1024]));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        var unknown = await app.Http.PostAsync("/api/cameras/no-such-camera/snapshots", Image([0xFF, 0xD8]));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Camera_password_is_stored_encrypted_used_for_digest_and_never_returned()
    {
        string camera = await app.AddCameraAsync(CameraMode.Digest);
        var put = await app.Http.PutAsJsonAsync($"/api/cameras/{camera}/credentials", new { user = CameraSimulator.User, password = CameraSimulator.Password });
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);

        string listing = await app.Http.GetStringAsync("/api/cameras");
        Assert.DoesNotContain(CameraSimulator.Password, listing);
        Assert.DoesNotContain("Pa55", listing);
        await using (var db = app.Database.NewContext())
        {
            var row = await db.Cameras.SingleAsync(c => c.Key == camera);
            Assert.NotNull(row.PasswordProtected);
            Assert.DoesNotContain("Pa55", row.PasswordProtected);
        }

        // The worker decrypts it to answer the camera's Digest challenge.
        (await app.Http.PostAsync($"/api/cameras/{camera}/audit-now", null)).EnsureSuccessStatusCode();
        var audit = await WaitForAuditAsync(camera);
        Assert.Equal(AuditStatuses.Ok, audit.Status);
        Assert.DoesNotContain("Pa55", app.Output);
    }

    [Fact]
    public async Task Schedule_change_replaces_the_cameras_recurring_job_in_place()
    {
        string camera = await app.AddCameraAsync(CameraMode.Live);
        Assert.Equal(HttpStatusCode.NoContent, (await app.Http.PutAsJsonAsync($"/api/cameras/{camera}/schedule", new { everyMinutes = 5 })).StatusCode);
        var jobs = await RecurringJobsAsync();
        Assert.Equal("*/5 * * * *", jobs[$"audit-every:{camera}"]);
        Assert.False(jobs.ContainsKey($"plan-day:{camera}"));

        Assert.Equal(HttpStatusCode.NoContent, (await app.Http.PutAsJsonAsync($"/api/cameras/{camera}/schedule", new { everyMinutes = 0, spotChecksPerDay = 4 })).StatusCode);
        jobs = await RecurringJobsAsync();
        Assert.False(jobs.ContainsKey($"audit-every:{camera}"));
        Assert.Equal("5 0 * * *", jobs[$"plan-day:{camera}"]);

        Assert.Equal(HttpStatusCode.NoContent, (await app.Http.PutAsJsonAsync($"/api/cameras/{camera}/schedule", new { enabled = false })).StatusCode);
        jobs = await RecurringJobsAsync();
        Assert.False(jobs.ContainsKey($"plan-day:{camera}"));
    }

    [Fact]
    public async Task Invalid_schedule_is_refused_with_the_field_named()
    {
        string camera = await app.AddCameraAsync(CameraMode.Live);
        var response = await app.Http.PutAsJsonAsync($"/api/cameras/{camera}/schedule", new { inspectionBands = "9-11 14:00-17:00", burstSize = 99 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("inspectionBands", out _));
        Assert.True(errors.TryGetProperty("burstSize", out _));
    }

    private const string SeatZone = """[{"name":"seat","kind":"seat","polygon":[[0,0],[1,0],[1,1],[0,1]]}]""";

    private static object NewCamera(string key, string source, string user = CameraSimulator.User, string password = CameraSimulator.Password) => new
    {
        key, site = "api-hall", window = $"{key}号窗口", source, user, password, zones = JsonSerializer.Deserialize<JsonElement>(SeatZone),
    };

    [Fact]
    public async Task Admin_adds_a_camera_and_reads_it_back_without_its_password()
    {
        await app.AddCameraAsync(CameraMode.Live); // makes sure the hall "api-hall" exists
        string key = $"new-{Guid.NewGuid():N}"[..12];

        var added = await app.Http.PostAsJsonAsync("/api/cameras", NewCamera(key, app.Cameras.Add(CameraMode.Basic)));

        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var camera = await app.Http.GetFromJsonAsync<JsonElement>($"/api/cameras/{key}");
        Assert.Equal(CameraSimulator.User, camera.GetProperty("user").GetString());
        Assert.True(camera.GetProperty("hasCredentials").GetBoolean());
        Assert.False(camera.GetProperty("schedule").GetProperty("scheduleEnabled").GetBoolean()); // off until an admin turns it on
        Assert.Equal("seat", camera.GetProperty("zones")[0].GetProperty("name").GetString());
        Assert.DoesNotContain(CameraSimulator.Password, camera.GetRawText());
        Assert.DoesNotContain(CameraSimulator.Password, await added.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Conflict, (await app.Http.PostAsJsonAsync("/api/cameras", NewCamera(key, app.Cameras.Add(CameraMode.Basic)))).StatusCode);
        // The stored password opens the camera: the audit gets the picture through Basic auth.
        (await app.Http.PostAsync($"/api/cameras/{key}/audit-now", null)).EnsureSuccessStatusCode();
        Assert.Equal(AuditStatuses.Ok, (await WaitForAuditAsync(key)).Status);
    }

    [Theory]
    [InlineData("../../etc/cron.d/x", "key")]
    [InlineData("cam/../../x", "key")]
    [InlineData("cam%2F..", "key")]
    [InlineData("folder:/etc", "source")]
    [InlineData("file:///etc/passwd", "source")]
    [InlineData("gopher://127.0.0.1:6379/_FLUSHALL", "source")]
    [InlineData("ftp://cam.example/snapshot.jpg", "source")]
    [InlineData("http://admin:Hidden-pw-1@cam.example/ISAPI/Streaming/channels/101/picture", "source")]
    public async Task A_camera_with_a_key_that_is_not_a_plain_name_or_a_source_that_is_not_a_camera_url_is_refused_naming_the_field(string value, string field)
    {
        await app.AddCameraAsync(CameraMode.Live);
        string key = field == "key" ? value : $"bad-{Guid.NewGuid():N}"[..12];
        string source = field == "source" ? value : "http://127.0.0.1:9/snapshot.jpg";

        var response = await app.Http.PostAsJsonAsync("/api/cameras", NewCamera(key, source));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(field, out _), body);
        Assert.DoesNotContain("Hidden-pw-1", body);
        await using var db = app.Database.NewContext();
        Assert.False(await db.Cameras.AnyAsync(c => c.Key == key));
    }

    [Fact]
    public async Task A_camera_is_changed_in_place_and_removed_only_while_it_has_no_audits()
    {
        string audited = await app.AddCameraAsync(CameraMode.Live);
        var upload = new ByteArrayContent(File.ReadAllBytes(TestData.Coco("000000000459.jpg")));
        upload.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        (await app.Http.PostAsync($"/api/cameras/{audited}/snapshots", upload)).EnsureSuccessStatusCode();
        string unused = $"gone-{Guid.NewGuid():N}"[..12];
        (await app.Http.PostAsJsonAsync("/api/cameras", NewCamera(unused, app.Cameras.Add(CameraMode.Live)))).EnsureSuccessStatusCode();

        var moved = await app.Http.PutAsJsonAsync($"/api/cameras/{unused}", new { window = "备用窗口", source = "rtsp://127.0.0.1:8554/stream1", user = "" });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var camera = await moved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("备用窗口", camera.GetProperty("window").GetString());
        Assert.False(camera.GetProperty("hasCredentials").GetBoolean()); // no user: the password goes with it

        var kept = await app.Http.DeleteAsync($"/api/cameras/{audited}");
        Assert.Equal(HttpStatusCode.Conflict, kept.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.Http.DeleteAsync($"/api/cameras/{unused}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Http.GetAsync($"/api/cameras/{unused}")).StatusCode);
        await using var db = app.Database.NewContext();
        Assert.True(await db.Audits.AnyAsync(a => a.Camera.Key == audited));
    }

    private async Task<Audit> WaitForAuditAsync(string camera)
    {
        for (var until = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < until; await Task.Delay(200))
        {
            await using var db = app.Database.NewContext();
            var audit = await db.Audits.FirstOrDefaultAsync(a => a.Camera.Key == camera);
            if (audit is not null) return audit;
        }
        throw new TimeoutException($"no audit of {camera} in 60 s:\n{app.Output}");
    }

    /// <summary>Hangfire's recurring jobs, id → cron, read from its own tables in the same database.</summary>
    private async Task<Dictionary<string, string>> RecurringJobsAsync()
    {
        await using var connection = new NpgsqlConnection(app.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT substring(h.key from 15), h.value FROM hangfire.hash h WHERE h.key LIKE 'recurring-job:%' AND h.field = 'Cron'", connection);
        var jobs = new Dictionary<string, string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) jobs[reader.GetString(0)] = reader.GetString(1);
        return jobs;
    }
}
