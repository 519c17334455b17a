using DeskVision.Tests.Fixtures;
using DeskVision.Web.Audits;

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
    [InlineData("/audits/999999999/image")]
    [InlineData("/audits/..%2F..%2Fetc%2Fpasswd/image")]
    [InlineData("/api/audits/999999999")]
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

    [Fact]
    public async Task Malformed_json_is_a_400_with_a_message()
    {
        string camera = await app.AddCameraAsync(Cameras.CameraMode.Live);
        var response = await app.Http.PutAsync($"/api/cameras/{camera}/schedule",
            new StringContent("{\"everyMinutes\": \"soon\"", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }
}
