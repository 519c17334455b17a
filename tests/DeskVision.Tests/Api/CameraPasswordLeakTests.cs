using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DeskVision.Store;
using DeskVision.Tests.Cameras;
using DeskVision.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DeskVision.Tests.Api;

/// <summary>
/// A camera password never leaves the camera request: a real web process and a real worker, both logging at Debug (the
/// HTTP client at Trace), audit cameras with a password on the camera simulator (one that accepts it, one that answers
/// 401, one that times out), the camera API adds, edits, lists and reads them, and bad requests carry the password;
/// then every line the two processes wrote, every response and error body, and what Hangfire kept of the jobs are
/// searched for the password, as written, percent-encoded and inside a Basic authorization header.
/// </summary>
[Trait("Category", "Slow")]
public sealed class CameraPasswordLeakTests : IAsyncLifetime
{
    private const string User = CameraSimulator.User, Password = CameraSimulator.Password;
    private readonly DatabaseFixture _database = new();
    private readonly CameraSimulator _cameras = new();
    private readonly TestData.TempFolder _evidence = new();
    private DeskVisionProcess _web = null!, _worker = null!;
    private HttpClient _http = null!;
    private readonly StringBuilder _answers = new();

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await _cameras.InitializeAsync();
        var env = new Dictionary<string, string>
        {
            ["DESKVISION_DB"] = _database.ConnectionString,
            ["DESKVISION_MODEL"] = "n",
            ["DESKVISION_SITE"] = Path.Combine(_evidence.Path, "no-site"),
            ["DESKVISION_EVIDENCE"] = _evidence.Path,
            ["DESKVISION_WEB_JOBS"] = "false", // the worker takes the snapshots; the web process takes the credentials
            // As much as the processes will say: whatever a password could slip into is written out.
            ["Logging__LogLevel__Default"] = "Debug",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Debug",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Information",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore.Database.Command"] = "Information",
            ["Logging__LogLevel__Hangfire"] = "Debug",
            ["Logging__LogLevel__System.Net.Http.HttpClient"] = "Trace",
        };
        _web = new DeskVisionProcess("web", env, "serve", "--urls", "http://127.0.0.1:0");
        _worker = new DeskVisionProcess("worker", env, "worker");
        string up = await _web.WaitForAsync("DeskVision is up: ", DeskVisionProcess.StartUp);
        await _worker.WaitForAsync("is running Hangfire jobs", TimeSpan.FromSeconds(90));
        await SignedInClient.CreateAccountAsync(_database.ConnectionString, "admin", Roles.Admin);
        _http = await SignedInClient.SignInAsync(new Uri(up.Split("up: ")[1].Split(' ')[0]), "admin");
        await using var db = _database.NewContext();
        db.Sites.Add(new Site { Key = "leak-hall", Name = "泄露检查大厅" });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        _worker?.Dispose();
        _web?.Dispose();
        await _cameras.DisposeAsync();
        await _database.DisposeAsync();
        _evidence.Dispose();
    }

    /// <summary>Sends a request and keeps the whole answer (status, headers, body) for the search at the end.</summary>
    private async Task<HttpResponseMessage> KeepAsync(Task<HttpResponseMessage> sending)
    {
        var response = await sending;
        _answers.Append(response.StatusCode).Append('\n').Append(response.Headers).Append(response.Content.Headers)
            .Append(await response.Content.ReadAsStringAsync()).Append("\n\n");
        return response;
    }

    private Task<HttpResponseMessage> GetAsync(string path) => KeepAsync(_http.GetAsync(path));

    private async Task<string> AddCameraAsync(string key, CameraMode mode)
    {
        var added = await KeepAsync(_http.PostAsJsonAsync("/api/cameras", new
        {
            key, site = "leak-hall", window = key, source = _cameras.Add(mode), user = User, password = Password,
            zones = new[] { new { name = "seat", kind = "seat", polygon = new[] { new[] { 0.0, 0.0 }, [1.0, 0.0], [1.0, 1.0], [0.0, 1.0] } } },
        }));
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        // One snapshot at a time, right now: the burst and the day's plan would only make the test longer.
        var schedule = await KeepAsync(_http.PutAsJsonAsync($"/api/cameras/{key}/schedule", new { enabled = false, burstSize = 1 }));
        Assert.Equal(HttpStatusCode.NoContent, schedule.StatusCode);
        return key;
    }

    private async Task<Audit> AuditNowAsync(string camera)
    {
        Assert.Equal(HttpStatusCode.Accepted, (await KeepAsync(_http.PostAsync($"/api/cameras/{camera}/audit-now", null))).StatusCode);
        for (var until = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < until; await Task.Delay(250))
        {
            await using var db = _database.NewContext();
            if (await db.Audits.AsNoTracking().FirstOrDefaultAsync(a => a.Camera.Key == camera) is { } audit) return audit;
        }
        throw new TimeoutException($"no audit of {camera} in 90 s:\n{_worker.Tail()}");
    }

    [Fact]
    public async Task The_camera_password_is_in_no_log_line_response_error_or_job_record()
    {
        string accepted = await AddCameraAsync("leak-digest", CameraMode.Digest);
        string refused = await AddCameraAsync("leak-401", CameraMode.Unauthorized);
        string slow = await AddCameraAsync("leak-slow", CameraMode.Slow);

        // The password where it does not belong, in a URL, and in requests the server cannot read.
        var inUrl = await KeepAsync(_http.PostAsJsonAsync("/api/cameras", new
        {
            key = "leak-url", site = "leak-hall", window = "x", source = $"http://{User}:{Uri.EscapeDataString(Password)}@127.0.0.1:9/ISAPI/Streaming/channels/101/picture",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, inUrl.StatusCode);
        var truncated = await KeepAsync(_http.PutAsync($"/api/cameras/{accepted}/credentials",
            new StringContent($$"""{"user": "{{User}}", "password": "{{Password}}" """, Encoding.UTF8, "application/json")));
        Assert.Equal(HttpStatusCode.BadRequest, truncated.StatusCode);
        var wrongType = await KeepAsync(_http.PutAsync($"/api/cameras/{accepted}/credentials",
            new StringContent($$$"""{"user": ["{{{Password}}}"], "password": {"p": "{{{Password}}}"}}""", Encoding.UTF8, "application/json")));
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        var tooLong = await KeepAsync(_http.PutAsJsonAsync($"/api/cameras/{refused}", new { password = Password + new string('x', 300) }));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await KeepAsync(_http.PutAsJsonAsync($"/api/cameras/{refused}", new { password = Password }))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await KeepAsync(_http.PutAsJsonAsync($"/api/cameras/{accepted}/credentials", new { user = User, password = Password }))).StatusCode);

        var ok = await AuditNowAsync(accepted);
        var denied = await AuditNowAsync(refused);
        var timedOut = await AuditNowAsync(slow);
        Assert.Equal(AuditStatuses.Ok, ok.Status);                       // the password reached the camera...
        Assert.Contains("401", denied.FailureReason);
        Assert.Contains("timed out", timedOut.FailureReason);

        foreach (string path in new[] { "/api/cameras", $"/api/cameras/{accepted}", $"/api/cameras/{refused}", $"/api/cameras/{slow}", "/cameras",
                     $"/api/audits?camera={refused}", $"/api/audits/{denied.Id}", $"/api/audits/{timedOut.Id}", $"/api/audits/{ok.Id}",
                     $"/audits/{denied.Id}", $"/audits/{timedOut.Id}", $"/windows/{await WindowOfAsync(refused)}", "/admin/audit-log?lang=en",
                     "/api/cameras/no-such-camera" })
            await GetAsync(path);

        string logs = string.Join('\n', _web.Output) + "\n" + string.Join('\n', _worker.Output);
        string answers = _answers.ToString();
        string jobs = await HangfireRecordsAsync();
        // The search is only worth something if the logs are the verbose ones and saw the camera requests and failures.
        Assert.Contains("Request starting", logs);
        Assert.Contains("Sending HTTP request GET", logs);
        Assert.Contains("Camera leak-401: no snapshot", logs);
        Assert.Contains("timed out", logs);
        Assert.Contains("leak-digest", answers);
        foreach (string secret in Secrets())
        {
            Assert.False(logs.Contains(secret, StringComparison.Ordinal), $"'{secret}' in the log:\n{Around(logs, secret)}");
            Assert.False(answers.Contains(secret, StringComparison.Ordinal), $"'{secret}' in a response:\n{Around(answers, secret)}");
            Assert.False(jobs.Contains(secret, StringComparison.Ordinal), $"'{secret}' in Hangfire's records:\n{Around(jobs, secret)}");
        }
    }

    /// <summary>The password as typed, percent-encoded, JSON-encoded, in a Basic header, and its part after the ':' (as a user:password split would leave it).</summary>
    private static IEnumerable<string> Secrets() =>
    [
        Password, Uri.EscapeDataString(Password), JsonSerializer.Serialize(Password).Trim('"'),
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")), Password[(Password.IndexOf(':') + 1)..],
    ];

    private static string Around(string text, string secret)
    {
        int at = text.IndexOf(secret, StringComparison.Ordinal);
        return text[Math.Max(0, at - 300)..Math.Min(text.Length, at + 300)];
    }

    private async Task<int> WindowOfAsync(string camera)
    {
        await using var db = _database.NewContext();
        return await db.Cameras.Where(c => c.Key == camera).Select(c => c.WindowId).SingleAsync();
    }

    /// <summary>What Hangfire stored of the jobs: their arguments, states (failure messages) and parameters.</summary>
    private async Task<string> HangfireRecordsAsync()
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT coalesce(string_agg(invocationdata::text || ' ' || arguments::text, E'\\n'), '') FROM hangfire.job " +
            "UNION ALL SELECT coalesce(string_agg(coalesce(reason, '') || ' ' || coalesce(data::text, ''), E'\\n'), '') FROM hangfire.state " +
            "UNION ALL SELECT coalesce(string_agg(value, E'\\n'), '') FROM hangfire.jobparameter", connection);
        var text = new StringBuilder();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) text.Append(reader.GetString(0)).Append('\n');
        return text.ToString();
    }
}
