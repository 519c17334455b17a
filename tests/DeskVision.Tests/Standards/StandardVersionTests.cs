using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Tests.Cameras;
using DeskVision.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Tests.Standards;

/// <summary>
/// The standard as versioned data, on the running app and its Hangfire server: an admin publishes a new version by file
/// or form while the app runs, the next audit is scored with it, old audits keep theirs, and a wrong version is refused
/// by line, entry and field with nothing changed.
/// </summary>
[Collection(StandardsAppCollection.Name)]
public sealed class StandardVersionTests(RunningApp app)
{
    private const string AwaySign = "presence.away-sign";
    private static readonly string Shipped = File.ReadAllText(TestData.StandardFile);

    /// <summary>The shipped standard with one clause's <c>active: true</c> turned off and a version label of its own.</summary>
    private static string WithClauseOff(string clause, string version)
    {
        int at = Shipped.IndexOf($"- id: {clause}\n", StringComparison.Ordinal);
        int active = Shipped.IndexOf("  active: true\n", at, StringComparison.Ordinal);
        Assert.True(at >= 0 && active > at && active < Shipped.IndexOf("\n- id: ", at + 1, StringComparison.Ordinal), $"{clause} has no active: true");
        return Shipped[..active].Replace("version: '2026.1'", $"version: '{version}'") + "  active: false\n" + Shipped[(active + "  active: true\n".Length)..];
    }

    private static ByteArrayContent Yaml(string text, string type = "application/yaml")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    private async Task<JsonElement> GetJsonAsync(string url, HttpClient? http = null)
    {
        var response = await (http ?? app.Http).GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode}\n{app.Output}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A camera whose view is the first COCO photo (bowls of food, nobody in it) with a whole-image seat zone: every audit finds the seat empty.</summary>
    private async Task<string> EmptySeatCameraAsync()
    {
        string key = await app.AddCameraAsync(app.Cameras.AddScene(File.ReadAllBytes(TestImages.First)));
        await using var db = app.Database.NewContext();
        // One snapshot per "audit now", so each one is judged on its own (no burst frames 20 s apart).
        await db.Cameras.Where(c => c.Key == key).ExecuteUpdateAsync(s => s.SetProperty(c => c.BurstSize, 1));
        return key;
    }

    /// <summary>"Audit now" through the API; waits for the Hangfire job of the running app to store the audit.</summary>
    private async Task<JsonElement> AuditNowAsync(string camera)
    {
        int before = (await GetJsonAsync($"/api/audits?camera={camera}")).GetArrayLength();
        Assert.Equal(HttpStatusCode.Accepted, (await app.Http.PostAsync($"/api/cameras/{camera}/audit-now", null)).StatusCode);
        var until = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < until)
        {
            var audits = await GetJsonAsync($"/api/audits?camera={camera}");
            if (audits.GetArrayLength() > before) return await GetJsonAsync($"/api/audits/{audits[0].GetProperty("id").GetInt64()}");
            await Task.Delay(500);
        }
        throw new TimeoutException($"no audit of {camera} within 90 s:\n{app.Output}");
    }

    private static IEnumerable<string> Clauses(JsonElement audit) => audit.GetProperty("violations").EnumerateArray().Select(v => v.GetProperty("clause").GetString()!);

    [Fact]
    public async Task Imported_version_with_away_sign_off_scores_the_next_audit_without_it_while_the_earlier_audit_keeps_its_version()
    {
        string camera = await EmptySeatCameraAsync();
        // v1 is the shipped file, whatever the other tests published before.
        Assert.True((await app.Http.PostAsync("/api/standard", Yaml(Shipped))).IsSuccessStatusCode);
        var v1 = await GetJsonAsync("/api/standard");
        var first = await AuditNowAsync(camera);
        Assert.Equal("ok", first.GetProperty("status").GetString());
        Assert.Contains(AwaySign, Clauses(first));
        string v1Label = $"{v1.GetProperty("version").GetString()}@{v1.GetProperty("hash").GetString()}";
        Assert.Equal(v1Label, first.GetProperty("standard").GetString());

        string v2Text = WithClauseOff(AwaySign, $"away-off-{Guid.NewGuid():N}"[..17]);
        var imported = await app.Http.PostAsync("/api/standard", Yaml(v2Text));
        Assert.Equal(HttpStatusCode.Created, imported.StatusCode);
        var v2 = await imported.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(v2.GetProperty("new").GetBoolean());

        // No restart: the app's Hangfire worker scores the next audit with the version published a moment ago.
        var second = await AuditNowAsync(camera);
        Assert.Equal("ok", second.GetProperty("status").GetString());
        Assert.Equal($"{v2.GetProperty("version").GetString()}@{v2.GetProperty("hash").GetString()}", second.GetProperty("standard").GetString());
        Assert.DoesNotContain(AwaySign, Clauses(second));
        Assert.Equal(100 - second.GetProperty("violations").EnumerateArray().Sum(v => v.GetProperty("points").GetDouble()), second.GetProperty("score").GetDouble());

        // The earlier audit still says, and still is, what v1 found.
        var again = await GetJsonAsync($"/api/audits/{first.GetProperty("id").GetInt64()}");
        Assert.Equal(v1Label, again.GetProperty("standard").GetString());
        Assert.Contains(AwaySign, Clauses(again));
        string page = await app.Http.GetStringAsync($"/audits/{first.GetProperty("id").GetInt64()}");
        Assert.Contains(v1Label, page);
    }

    [Fact]
    public async Task Old_audit_is_judged_again_to_the_same_violations_and_score_by_the_version_text_it_keeps()
    {
        string camera = await EmptySeatCameraAsync();
        var audit = await AuditNowAsync(camera);
        // Publish something else, so the old audit's version is no longer the current one.
        var other = await app.Http.PostAsync("/api/standard", Yaml(WithClauseOff("desk.cup", $"cup-off-{Guid.NewGuid():N}"[..16])));
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);

        await using var db = app.Database.NewContext();
        var stored = await db.Audits.AsNoTracking().Include(a => a.StandardVersion).Include(a => a.Detections)
            .Include(a => a.Camera).ThenInclude(c => c.Window).ThenInclude(w => w.Site).Include(a => a.Camera).ThenInclude(c => c.Zones)
            .SingleAsync(a => a.Id == audit.GetProperty("id").GetInt64());
        var text = await app.Http.GetStringAsync($"/api/standard/versions/{stored.StandardVersionId}");
        var standard = StandardFile.Parse("kept", text);
        Assert.Equal(stored.StandardVersion!.ContentHash, standard.ContentHash);
        var detections = stored.Detections.Select(d => new Detection(d.Label, d.ClassId, d.Confidence, new Box(d.X1, d.Y1, d.X2, d.Y2))).ToList();
        var (violations, score) = Scorecard.Evaluate(detections, stored.ImageWidth, stored.ImageHeight, stored.Camera.ToLayout(), standard);
        Assert.Equal(stored.Score, score);
        Assert.Equal(Clauses(audit).Order(), violations.Select(v => v.ClauseId).Order());
    }

    [Fact]
    public async Task Standard_file_naming_a_label_the_detector_does_not_know_is_refused_with_its_line_entry_and_field_and_nothing_changes()
    {
        var before = await GetJsonAsync("/api/standard");
        string wrong = Shipped.Replace("labels: [cell phone]\n    zones: [desk]", "labels: [mobile phone]\n    zones: [desk]");
        int line = wrong.Split('\n').ToList().FindIndex(l => l.Contains("labels: [mobile phone]")) + 1;
        Assert.True(line > 0);

        var refused = await app.Http.PostAsync("/api/standard", Yaml(wrong));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(line, problem.GetProperty("line").GetInt64());
        Assert.Equal("labels", problem.GetProperty("field").GetString());
        Assert.Matches(@"^clauses\[\d+\] \(desk\.phone-on-desk\)\.rules\[0\]$", problem.GetProperty("entry").GetString());
        Assert.Contains("'mobile phone', which the detector does not know", problem.GetProperty("problem").GetString());

        // The same file through the page: the error is shown on it, with the file's name, line, entry and field.
        string page = await app.Http.GetStringAsync("/standard");
        var form = new MultipartFormDataContent
        {
            { new StringContent(SignedInClient.FormToken(page)), "__RequestVerificationToken" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(wrong)), "file", "my-standard.yaml" },
        };
        var shown = await app.Http.PostAsync("/standard/import", form);
        Assert.Equal(HttpStatusCode.BadRequest, shown.StatusCode);
        string html = await shown.Content.ReadAsStringAsync();
        Assert.Matches($"id=import-error>.*my-standard.yaml.*{line}.*desk.phone-on-desk.*labels", html);

        // Not YAML at all, and a clause switched on that a camera cannot check: refused by line and field too.
        var broken = await app.Http.PostAsync("/api/standard", Yaml("standard: x\nversion: [1, 2\n"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, broken.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await app.Http.PostAsync("/api/standard", Yaml(Shipped, "text/plain"))).StatusCode);

        var after = await GetJsonAsync("/api/standard");
        Assert.Equal(before.GetProperty("current").GetInt32(), after.GetProperty("current").GetInt32());
        Assert.Equal(before.GetProperty("versions").GetArrayLength(), after.GetProperty("versions").GetArrayLength());
    }

    /// <summary>The edit form's field for a clause (and rule) of the current version, found on the page by the clause's row.</summary>
    private static string FieldOf(string page, string clause, string field)
    {
        var row = Regex.Match(page, $"<tr id='clause-{Regex.Escape(clause)}'>(.*?)</tr>", RegexOptions.Singleline);
        Assert.True(row.Success, $"no row for {clause}");
        var name = Regex.Match(row.Groups[1].Value, $"name='(c\\d+\\.(?:r0\\.)?{field})'");
        Assert.True(name.Success, $"no field {field} for {clause}");
        return name.Groups[1].Value;
    }

    private static FormUrlEncodedContent Form(string page, params (string Name, string Value)[] fields) => new(
        fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))
            .Append(new("__RequestVerificationToken", SignedInClient.FormToken(page)))
            .Append(new("base", Regex.Match(page, "name=base value='(\\d+)'").Groups[1].Value)));

    [Fact]
    public async Task Form_edit_switching_desk_cup_off_and_changing_phone_points_publishes_a_version_differing_only_in_those_values()
    {
        // Start from the shipped file, whatever the other tests published.
        var start = await app.Http.PostAsync("/api/standard", Yaml(Shipped));
        Assert.True(start.IsSuccessStatusCode);
        int baseId = (await GetJsonAsync("/api/standard")).GetProperty("current").GetInt32();

        string page = await app.Http.GetStringAsync("/standard/edit");
        string label = $"form-{Guid.NewGuid():N}"[..13];
        var saved = await app.Http.PostAsync("/standard/edit", Form(page,
            ("version", label),
            (FieldOf(page, "desk.cup", "active"), "false"),
            (FieldOf(page, "desk.phone-on-desk", "points"), "4"),
            (FieldOf(page, "desk.phone-on-desk", "severity"), "major")));
        Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
        Assert.Contains("id=standard-flash", await saved.Content.ReadAsStringAsync());

        var now = await GetJsonAsync("/api/standard");
        int newId = now.GetProperty("current").GetInt32();
        Assert.NotEqual(baseId, newId);
        Assert.Equal(label, now.GetProperty("version").GetString());
        var clauses = now.GetProperty("clauses").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);
        Assert.False(clauses["desk.cup"].GetProperty("active").GetBoolean());
        Assert.Equal(4, clauses["desk.phone-on-desk"].GetProperty("rules")[0].GetProperty("points").GetDouble());
        Assert.Equal("major", clauses["desk.phone-on-desk"].GetProperty("severity").GetString());

        // The new version's text is the old one with those four values changed: comments, order and quotes kept.
        string[] before = Shipped.Split('\n'), after = (await app.Http.GetStringAsync($"/api/standard/versions/{newId}")).Split('\n');
        Assert.Equal(before.Length, after.Length);
        var changed = before.Zip(after).Where(p => p.First != p.Second).ToList();
        Assert.Equal(4, changed.Count);
        Assert.Contains(($"version: '2026.1'", $"version: {label}"), changed);
        Assert.Contains(("  active: true", "  active: false"), changed);
        Assert.Contains(("    points: 3", "    points: 4"), changed);
        Assert.Contains(("  severity: minor", "  severity: major"), changed);

        await using var db = app.Database.NewContext();
        var logged = await db.AuditLog.Where(e => e.Action == "standard.publish" && e.Subject == $"standard:{newId}").SingleAsync();
        Assert.Equal("admin", logged.Actor);
        Assert.Contains("desk.cup active → false", logged.Details);
    }

    /// <summary>The error shown right after a form field (line, clause, rule, field and problem), as text.</summary>
    private static string ErrorNextTo(string html, string field)
    {
        var m = Regex.Match(html, $"name='{Regex.Escape(field)}' [^>]*aria-invalid=true><div class=error data-field='{Regex.Escape(field)}'>(.*?)</div>");
        Assert.True(m.Success, $"no error next to {field}");
        return WebUtility.HtmlDecode(m.Groups[1].Value);
    }

    [Fact]
    public async Task Form_edit_with_wrong_values_shows_each_problem_next_to_its_field_and_publishes_nothing()
    {
        var before = await GetJsonAsync("/api/standard");
        string page = await app.Http.GetStringAsync("/standard/edit");
        string points = FieldOf(page, "desk.phone-on-desk", "points"), cap = FieldOf(page, "desk.cup", "max_points");
        var refused = await app.Http.PostAsync("/standard/edit", Form(page, (points, "three"), (cap, "500")));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        string html = await refused.Content.ReadAsStringAsync();
        Assert.Contains($"name='{points}' value='three'", html);
        Assert.Matches(@"\d+.*clauses\[\d+\] \(desk\.phone-on-desk\)\.rules\[0\]\W+'points' must be a number, got 'three'$", ErrorNextTo(html, points));
        Assert.Matches(@"\d+.*clauses\[\d+\] \(desk\.cup\)\W+'max_points' must be between 0 and 100, got 500$", ErrorNextTo(html, cap));

        var after = await GetJsonAsync("/api/standard");
        Assert.Equal(before.GetProperty("current").GetInt32(), after.GetProperty("current").GetInt32());
        Assert.Equal(before.GetProperty("versions").GetArrayLength(), after.GetProperty("versions").GetArrayLength());

        // A form opened on a version that is no longer current is not saved over the newer one.
        var newer = await app.Http.PostAsync("/api/standard", Yaml(WithClauseOff("desk.cup", $"stale-{Guid.NewGuid():N}"[..14])));
        Assert.True(newer.IsSuccessStatusCode);
        var stale = await app.Http.PostAsync("/standard/edit", Form(page, (points, "2")));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
    }

    [Fact]
    public async Task Managers_see_the_standard_but_only_admins_import_or_edit_it_and_staff_see_neither()
    {
        string s = Guid.NewGuid().ToString("N")[..6];
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, $"mgr-{s}", Roles.Manager);
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, $"staff-{s}", Roles.Staff);
        using var manager = await SignedInClient.SignInAsync(app.BaseUrl, $"mgr-{s}");
        using var staff = await SignedInClient.SignInAsync(app.BaseUrl, $"staff-{s}");

        string page = await manager.GetStringAsync("/standard");
        Assert.Contains("the seed documents set no point values", page);
        Assert.DoesNotContain("id=standard-import", page);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsync("/api/standard", Yaml(Shipped))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.GetAsync("/standard/edit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync("/api/standard")).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = app.BaseUrl };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/standard", Yaml(Shipped))).StatusCode);
    }
}
