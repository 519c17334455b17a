using System.Net.Http.Json;
using System.Text.Json;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Audits;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Tests.Api;

[Collection(RunningAppCollection.Name)]
public sealed class WebSafetyTests(RunningApp app)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/cameras")]
    [InlineData("/api/audits")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        var response = await app.Http.GetAsync(path);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Theory]
    [InlineData("/audits/999999999")]
    [InlineData("/evidence/audits/999999999/marked.png")]
    [InlineData("/evidence/audits/..%2F..%2Fetc%2Fpasswd/marked.png")]
    [InlineData("/api/audits/999999999")]
    [InlineData("/evidence/audits/..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/evidence/audits/1%2F..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/evidence/audits/%2Fetc%2Fpasswd")]
    [InlineData("/evidence/violations/..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/evidence/..%2F..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/evidence/audits/..%252F..%252Fetc%252Fpasswd")]
    public async Task Unknown_or_crafted_ids_find_nothing(string path)
    {
        var response = await app.Http.GetAsync(path);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("root:", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("2026-11-24/../../outside.jpg")]
    public void Evidence_paths_never_leave_the_evidence_folder(string stored)
    {
        using var folder = new TestData.TempFolder();
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(folder.Path)!, "outside.jpg"), "x");
        Assert.Null(new EvidenceFolder(folder.Path).Resolve(stored));
    }

    /// <summary>
    /// Evidence is looked up by the audit's number and served from the path the audit row holds; even a row whose path
    /// was tampered with (pointing out of the evidence folder) serves nothing.
    /// </summary>
    [Theory]
    [InlineData("../../../../../../../../etc/passwd")]
    [InlineData("/etc/passwd")]
    public async Task A_stored_evidence_path_leading_out_of_the_evidence_folder_serves_nothing(string tampered)
    {
        string camera = await app.AddCameraAsync(Cameras.CameraMode.Live);
        var image = new ByteArrayContent(File.ReadAllBytes(TestData.Coco("000000000459.jpg")));
        image.Headers.ContentType = new("image/jpeg");
        var uploaded = await app.Http.PostAsync($"/api/cameras/{camera}/snapshots", image);
        long id = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("auditId").GetInt64();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await app.Http.GetAsync($"/evidence/audits/{id}")).StatusCode); // the real picture is there

        await using (var db = app.Database.NewContext())
            await db.Audits.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.SnapshotPath, tampered));

        foreach (string path in new[] { $"/evidence/audits/{id}", $"/evidence/audits/{id}/marked.png" })
        {
            var response = await app.Http.GetAsync(path);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("root:", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Malformed_json_is_a_400_with_a_message()
    {
        string camera = await app.AddCameraAsync(Cameras.CameraMode.Live);
        var response = await app.Http.PutAsync($"/api/cameras/{camera}/schedule",
            new StringContent("{\"everyMinutes\": \"soon\"", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }
}
