using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Tests.Reports;
using DeskVision.Web.Zones;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Tests.WebApp;

/// <summary>The zone editor's API and its script-less form: checked like a camera file, every problem by zone, every change logged.</summary>
[Collection(PagesHostCollection.Name)]
public sealed class ZoneEditorTests(PagesHost host)
{
    private async Task<(TestHall Hall, string Camera, HttpClient Manager, string Token)> OpenAsync()
    {
        var hall = await TestHall.OpenAsync(host.Database, "1号窗口");
        long audit = await hall.AuditAsync("1号窗口", TestHall.At(3, 2, 10));
        await host.SnapshotAsync(db => db.Audits.Where(a => a.Id == audit));
        string camera = $"{hall.Key}-w1";
        var manager = await host.ClientAsync(await host.UserAsync(Roles.Manager, [(await hall.SiteAsync()).Id]));
        string page = await manager.GetStringAsync($"/cameras/{camera}/zones");
        Assert.Contains($"<img src='/evidence/audits/{audit}'", page);
        Assert.Contains("<script src='/assets/zone-editor.js'></script>", page);
        return (hall, camera, manager, PagesHost.TokenIn(page));
    }

    private static HttpRequestMessage Put(string camera, string token, object zones) => new(HttpMethod.Put, $"/api/cameras/{camera}/zones")
    {
        Content = JsonContent.Create(new { zones }), Headers = { { "RequestVerificationToken", token } },
    };

    private async Task<List<CameraZone>> ZonesAsync(string camera)
    {
        await using var db = host.Database.NewContext();
        return await db.CameraZones.Where(z => db.Cameras.Any(c => c.Key == camera && c.Id == z.CameraId)).OrderBy(z => z.Name).ToListAsync();
    }

    [Fact]
    public async Task Edited_zones_are_saved_logged_and_kept_when_the_camera_file_is_loaded_again()
    {
        var (hall, camera, http, token) = await OpenAsync();
        var saved = await http.SendAsync(Put(camera, token, new object[]
        {
            new { name = "counter", kind = "desk", polygon = new[] { new[] { 0.05, 0.4 }, [0.95, 0.4], [0.95, 0.72], [0.05, 0.72] } },
            new { name = "seat", kind = "seat", polygon = new[] { new[] { 0.2, 0.7 }, [0.8, 0.7], [0.8, 1.0], [0.2, 1.0] } },
            new { name = "walkway", kind = "aisle", polygon = new[] { new[] { 0.0, 0.0 }, [0.3, 0.0], [0.3, 0.4] } },
        }));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        var zones = await ZonesAsync(camera);
        Assert.Equal(["counter", "seat", "walkway"], zones.Select(z => z.Name));
        Assert.Equal([0.05, 0.4], zones[0].Polygon[0]);
        Assert.Equal("aisle", zones[2].Kind);
        await using (var db = host.Database.NewContext())
        {
            var entry = await db.AuditLog.SingleAsync(e => e.Subject == ZoneEdits.Subject(camera));
            Assert.Equal(ZoneEdits.LogAction, entry.Action);
            Assert.StartsWith("removed customers; changed counter; added walkway", entry.Details);
            // Loading the camera file again (a restart) keeps the zones edited in the app.
            await new AuditWriter(db).EnsureCameraAsync(new CameraLayout(camera, hall.Key, "1号窗口", 0.5,
                [new Zone("counter", ZoneKind.Desk, [(0, 0.4), (1, 0.4), (1, 0.7), (0, 0.7)])]), default);
        }
        Assert.Equal(["counter", "seat", "walkway"], (await ZonesAsync(camera)).Select(z => z.Name));

        // Saving the same zones again changes nothing and logs nothing.
        var current = await http.GetFromJsonAsync<JsonElement>($"/api/cameras/{camera}/zones");
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Put(camera, token, current.GetProperty("zones")))).StatusCode);
        await using (var db = host.Database.NewContext())
            Assert.Equal(1, await db.AuditLog.CountAsync(e => e.Subject == ZoneEdits.Subject(camera)));
        Assert.Contains("removed customers", await http.GetStringAsync($"/cameras/{camera}/zones"));
    }

    [Fact]
    public async Task Wrong_zones_are_refused_with_every_problem_next_to_its_zone()
    {
        var (_, camera, http, token) = await OpenAsync();
        var refused = await http.SendAsync(Put(camera, token, new object[]
        {
            new { name = "counter", kind = "desk", polygon = new[] { new[] { 0.0, 0.4 }, [1.0, 0.4], [1.0, 0.7] } },
            new { name = "two", kind = "desk", polygon = new[] { new[] { 0.1, 0.1 }, [0.2, 0.2] } },
            new { name = "outside", kind = "seat", polygon = new[] { new[] { 0.1, 0.1 }, [1.5, 0.2], [0.2, 0.9] } },
            new { name = "glass", kind = "window", polygon = new[] { new[] { 0.1, 0.1 }, [0.5, 0.1], [0.5, 0.5] } },
            new { name = "counter", kind = "desk", polygon = new[] { new[] { 0.1, 0.1 }, [0.5, 0.1], [0.5, 0.5] } },
            new { name = "flat", kind = "desk", polygon = new[] { new[] { 0.1, 0.1 }, [0.2, 0.2], [0.3, 0.3] } },
        }));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()
            .Select(e => (Zone: e.GetProperty("zone").GetInt32(), Field: e.GetProperty("field").GetString(), Message: e.GetProperty("message").GetString()!)).ToList();
        Assert.Equal([(1, "polygon"), (2, "polygon"), (3, "kind"), (5, "polygon"), (4, "name")], errors.Select(e => (e.Zone, e.Field)));
        Assert.Contains("at least 3 points", errors[0].Message);
        Assert.Contains("outside 0..1", errors[1].Message);
        Assert.Contains("must be one of desk, seat", errors[2].Message);
        Assert.Contains("no area", errors[3].Message);
        Assert.Contains("used by two zones", errors[4].Message);
        Assert.Equal(["counter", "customers", "seat"], (await ZonesAsync(camera)).Select(z => z.Name));   // nothing saved

        var none = await http.SendAsync(Put(camera, token, Array.Empty<object>()));
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        var noToken = await http.PutAsJsonAsync($"/api/cameras/{camera}/zones", new { zones = Array.Empty<object>() });
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Contains("token", await noToken.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_script_the_form_saves_or_shows_the_problems()
    {
        var (_, camera, http, token) = await OpenAsync();
        var wrong = await PagesHost.PostFormAsync(http, $"/cameras/{camera}/zones", token, ("zones", """[{"name":"desk","kind":"desk","polygon":[[0,0],[1,0]]}]"""));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        string page = await wrong.Content.ReadAsStringAsync();
        Assert.Contains("<ul id=zone-errors class=error>", page);
        Assert.Contains("desk · polygon: needs at least 3 points, got 2", page);

        var right = await PagesHost.PostFormAsync(http, $"/cameras/{camera}/zones", token, ("zones", """[{"name":"desk","kind":"desk","polygon":[[0,0.4],[1,0.4],[1,0.7],[0,0.7]]}]"""));
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal(["desk"], (await ZonesAsync(camera)).Select(z => z.Name));
    }

    [Fact]
    public async Task Only_the_halls_managers_edit_its_zones_and_the_script_is_served_by_the_app()
    {
        var (hall, camera, _, _) = await OpenAsync();
        using var staffClient = await host.ClientAsync(await host.UserAsync(Roles.Staff, staffId: await hall.StaffAsync("张敏")));
        Assert.Equal(HttpStatusCode.Forbidden, (await staffClient.GetAsync($"/cameras/{camera}/zones")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staffClient.GetAsync($"/api/cameras/{camera}/zones")).StatusCode);
        using var other = await host.ClientAsync(await host.UserAsync(Roles.Manager, [-1]));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/cameras/{camera}/zones")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PutAsJsonAsync($"/api/cameras/{camera}/zones", new { zones = Array.Empty<object>() })).StatusCode);
        using var anonymous = await host.ClientAsync(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/cameras/{camera}/zones")).StatusCode);
        var script = await anonymous.GetAsync(ZoneEditorScript.Path);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType!.MediaType);
        Assert.Contains("RequestVerificationToken", await script.Content.ReadAsStringAsync());
    }
}
