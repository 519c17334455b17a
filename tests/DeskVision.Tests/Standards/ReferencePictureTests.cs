using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeskVision.Store;
using DeskVision.Tests.Cameras;
using DeskVision.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Tests.Standards;

/// <summary>
/// Reference pictures taken from the live camera (the simulator, over HTTP) through the running app's API and the zone
/// editor's buttons; a camera knocked off its view makes them stale until taken again. The views are real overhead
/// office CCTV frames of one camera (../shared/testdata/office, camera 192-168-0-64) and the scenario set's frame of
/// that camera turned 3.6° and shifted 9 % (tests/scenarios/images/moved-2.jpg, composed from a real frame).
/// </summary>
[Collection(StandardsAppCollection.Name)]
public sealed class ReferencePictureTests(RunningApp app)
{
    private static byte[] Office(string stamp) => File.ReadAllBytes(Directory.EnumerateFiles(Path.Combine(TestData.Shared, "office", "images"), $"192-168-0-64_01_{stamp}_jpg*").Single());
    private static readonly byte[] Mounted = Office("20220719115150261");
    private static readonly byte[] LaterSameView = Office("20220720140821574");
    private static readonly byte[] Knocked = File.ReadAllBytes(Path.Combine(TestData.Root, "tests", "scenarios", "images", "moved-2.jpg"));

    private const string Zones = "[{ name: counter, kind: desk, polygon: [[0.3, 0.45], [0.7, 0.45], [0.7, 0.7], [0.3, 0.7]] }, " +
                                 "{ name: seat, kind: seat, polygon: [[0.35, 0.7], [0.65, 0.7], [0.65, 1], [0.35, 1]] }, " +
                                 "{ name: chair, kind: chair-back, polygon: [[0.4, 0.75], [0.6, 0.75], [0.6, 0.95], [0.4, 0.95]] }]";

    private async Task<(string Camera, string Url)> SceneCameraAsync(byte[] view)
    {
        string url = app.Cameras.AddScene(view);
        string key = await app.AddCameraAsync(url, Zones);
        await using var db = app.Database.NewContext();
        await db.Cameras.Where(c => c.Key == key).ExecuteUpdateAsync(s => s.SetProperty(c => c.BurstSize, 1));
        return (key, url);
    }

    /// <summary>The editor page's anti-forgery token (its cookie goes with the client), as the editor's script sends it.</summary>
    private async Task<string> TokenAsync(string camera, HttpClient? http = null) =>
        SignedInClient.FormToken(await (http ?? app.Http).GetStringAsync($"/cameras/{camera}/zones"));

    private async Task<HttpResponseMessage> TakeAsync(string camera, string kind, string? crop = null, HttpClient? http = null)
    {
        string token = await TokenAsync(camera, http);
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/cameras/{camera}/references/{kind}{(crop is null ? "" : $"?crop={crop}")}")
        {
            Headers = { { "RequestVerificationToken", token } },
        };
        return await (http ?? app.Http).SendAsync(request);
    }

    private async Task<Dictionary<string, JsonElement>> ReferencesAsync(string camera) =>
        (await app.Http.GetFromJsonAsync<JsonElement>($"/api/cameras/{camera}/references")).GetProperty("references").EnumerateArray()
            .ToDictionary(r => r.GetProperty("kind").GetString()!);

    private async Task<JsonElement> AuditNowAsync(string camera)
    {
        int before = (await app.Http.GetFromJsonAsync<JsonElement>($"/api/audits?camera={camera}")).GetArrayLength();
        Assert.Equal(HttpStatusCode.Accepted, (await app.Http.PostAsync($"/api/cameras/{camera}/audit-now", null)).StatusCode);
        var until = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < until)
        {
            var audits = await app.Http.GetFromJsonAsync<JsonElement>($"/api/audits?camera={camera}");
            if (audits.GetArrayLength() > before) return audits[0];
            await Task.Delay(500);
        }
        throw new TimeoutException($"no audit of {camera} within 90 s:\n{app.Output}");
    }

    [Fact]
    public async Task Knocked_camera_makes_its_references_stale_until_each_is_taken_again_and_a_new_full_view_makes_its_audits_reliable()
    {
        var (camera, url) = await SceneCameraAsync(Mounted);
        foreach (string kind in new[] { "full-view", "desk", "empty-chair" })
            Assert.Equal(HttpStatusCode.Created, (await TakeAsync(camera, kind)).StatusCode);
        Assert.All((await ReferencesAsync(camera)).Values, r => Assert.False(r.GetProperty("stale").GetBoolean()));

        // The same camera a day later: people moved, the mount did not.
        app.Cameras.ShowScene(url, LaterSameView);
        Assert.Equal("ok", (await AuditNowAsync(camera)).GetProperty("status").GetString());
        Assert.All((await ReferencesAsync(camera)).Values, r => Assert.False(r.GetProperty("stale").GetBoolean()));

        app.Cameras.ShowScene(url, Knocked);
        var moved = await AuditNowAsync(camera);
        Assert.Equal("unreliable", moved.GetProperty("status").GetString());
        Assert.StartsWith("camera moved", moved.GetProperty("failureReason").GetString());
        var stale = await ReferencesAsync(camera);
        Assert.Equal(["desk", "empty-chair", "full-view"], stale.Keys.Order());
        Assert.All(stale.Values, r => Assert.True(r.GetProperty("stale").GetBoolean()));
        string page = await app.Http.GetStringAsync($"/cameras/{camera}/zones");
        Assert.Contains("id=camera-moved", page);
        Assert.Equal(3, page.Split("data-stale=true").Length - 1);

        // Still unreliable while the old view is the reference; the full view taken again clears only itself.
        Assert.Equal("unreliable", (await AuditNowAsync(camera)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Created, (await TakeAsync(camera, "full-view")).StatusCode);
        var after = await ReferencesAsync(camera);
        Assert.False(after["full-view"].GetProperty("stale").GetBoolean());
        Assert.True(after["desk"].GetProperty("stale").GetBoolean());
        Assert.True(after["empty-chair"].GetProperty("stale").GetBoolean());
        Assert.Equal("ok", (await AuditNowAsync(camera)).GetProperty("status").GetString());
        Assert.True((await ReferencesAsync(camera))["desk"].GetProperty("stale").GetBoolean());
        Assert.Equal(HttpStatusCode.Created, (await TakeAsync(camera, "desk")).StatusCode);
        Assert.False((await ReferencesAsync(camera))["desk"].GetProperty("stale").GetBoolean());
    }

    [Fact]
    public async Task Reference_is_stored_under_the_camera_id_by_temp_file_and_rename_and_served_as_taken()
    {
        var (camera, _) = await SceneCameraAsync(Mounted);
        var taken = await TakeAsync(camera, "full-view");
        Assert.Equal(HttpStatusCode.Created, taken.StatusCode);
        var body = await taken.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((640, 640), (body.GetProperty("width").GetInt32(), body.GetProperty("height").GetInt32()));

        await using var db = app.Database.NewContext();
        var row = await db.CameraReferences.SingleAsync(r => r.Camera.Key == camera);
        Assert.Equal(Path.Combine(row.CameraId.ToString(), "full-view.jpg"), row.Path);
        Assert.Equal("admin", row.CapturedBy);
        Assert.True(File.Exists(Path.Combine(app.References.Path, row.Path)));
        Assert.Empty(Directory.EnumerateFiles(app.References.Path, "*.part", SearchOption.AllDirectories));
        Assert.Contains(await db.AuditLog.Where(e => e.Subject == $"camera:{camera}").Select(e => e.Action).ToListAsync(), a => a == "camera.reference");

        var image = await app.Http.GetAsync($"/api/cameras/{camera}/references/full-view/image");
        Assert.Equal("image/jpeg", image.Content.Headers.ContentType?.MediaType);
        using var decoded = OpenCvSharp.Cv2.ImDecode(await image.Content.ReadAsByteArrayAsync(), OpenCvSharp.ImreadModes.Color);
        Assert.Equal((640, 640), (decoded.Width, decoded.Height));
    }

    [Fact]
    public async Task Pause_sign_is_kept_as_the_part_of_the_snapshot_it_names_and_refused_without_one()
    {
        var (camera, _) = await SceneCameraAsync(Mounted);
        var missing = await TakeAsync(camera, "pause-sign");
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal("crop", (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        var backwards = await TakeAsync(camera, "pause-sign", "0.6,0.4,0.5,0.5");
        Assert.Contains("x1 < x2", (await backwards.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("problem").GetString());

        var taken = await TakeAsync(camera, "pause-sign", "0.25,0.5,0.5,0.75");
        Assert.Equal(HttpStatusCode.Created, taken.StatusCode);
        var body = await taken.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((160, 160), (body.GetProperty("width").GetInt32(), body.GetProperty("height").GetInt32()));
        var image = await app.Http.GetAsync($"/api/cameras/{camera}/references/pause-sign/image");
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Zone_editor_button_takes_the_reference_and_shows_it()
    {
        var (camera, _) = await SceneCameraAsync(Mounted);
        string page = await app.Http.GetStringAsync($"/cameras/{camera}/zones");
        Assert.Contains($"<form method=post action='/cameras/{camera}/references/empty-chair'>", page);
        Assert.Contains("name=crop size=18 value='0.25,0.3,0.75,0.7'", page); // the counter and the space above it, for the sign
        var posted = await app.Http.PostAsync($"/cameras/{camera}/references/empty-chair", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", SignedInClient.FormToken(page))]));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode); // the redirect back to the editor, followed
        string shown = await posted.Content.ReadAsStringAsync();
        Assert.Contains("id=reference-taken", shown);
        Assert.Matches($"<img src='/api/cameras/{camera}/references/empty-chair/image\\?at=\\d+'", shown);
    }

    [Fact]
    public async Task Camera_that_gives_no_picture_or_a_covered_one_stores_no_reference()
    {
        string unauthorized = await app.AddCameraAsync(app.Cameras.Add(CameraMode.Unauthorized));
        var refused = await TakeAsync(unauthorized, "full-view");
        Assert.Equal(HttpStatusCode.BadGateway, refused.StatusCode);
        Assert.Contains("401", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("problem").GetString());

        string black = await app.AddCameraAsync(app.Cameras.Add(CameraMode.Black));
        Assert.Equal(HttpStatusCode.BadGateway, (await TakeAsync(black, "full-view")).StatusCode);

        await using var db = app.Database.NewContext();
        Assert.False(await db.CameraReferences.AnyAsync(r => r.Camera.Key == unauthorized || r.Camera.Key == black));
        Assert.Equal(HttpStatusCode.NotFound, (await TakeAsync(black, "..%2F..%2Fetc")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Http.GetAsync($"/api/cameras/{black}/references/full-view/image")).StatusCode);
    }

    [Fact]
    public async Task Staff_cannot_list_or_take_references_and_managers_only_of_their_own_hall()
    {
        var (camera, _) = await SceneCameraAsync(Mounted);
        string s = Guid.NewGuid().ToString("N")[..6];
        int site;
        await using (var db = app.Database.NewContext())
            site = await db.Cameras.Where(c => c.Key == camera).Select(c => c.Window.SiteId).SingleAsync();
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, $"own-{s}", Roles.Manager, null, site);
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, $"other-{s}", Roles.Manager, null, site + 1000);
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, $"staff-{s}", Roles.Staff);
        using var own = await SignedInClient.SignInAsync(app.BaseUrl, $"own-{s}");
        using var other = await SignedInClient.SignInAsync(app.BaseUrl, $"other-{s}");
        using var staff = await SignedInClient.SignInAsync(app.BaseUrl, $"staff-{s}");

        Assert.Equal(HttpStatusCode.Created, (await TakeAsync(camera, "desk", http: own)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/cameras/{camera}/references")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"/api/cameras/{camera}/references")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.PostAsync($"/api/cameras/{camera}/references/desk", null)).StatusCode);
        // Without the page's token nothing is taken, whoever asks.
        Assert.Equal(HttpStatusCode.BadRequest, (await own.PostAsync($"/api/cameras/{camera}/references/desk", null)).StatusCode);
    }
}
