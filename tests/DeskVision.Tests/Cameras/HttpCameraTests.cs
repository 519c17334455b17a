using System.Diagnostics;
using System.Net;
using DeskVision.Ingest;
using DeskVision.Tests.Fixtures;

namespace DeskVision.Tests.Cameras;

public sealed class HttpCameraTests(CameraSimulator sim) : IClassFixture<CameraSimulator>
{
    private const string Key = "hall1-w1";
    private const string DahuaPath = "/cgi-bin/snapshot.cgi";
    private static readonly HttpClient Http = new();
    private static readonly DateTimeOffset Now = new(2025, 3, 4, 9, 30, 0, TimeSpan.Zero);

    private static HttpCamera Camera(string url, string? user = null, string? password = null, double timeoutSeconds = 2, int attempts = 3) =>
        new(Http, new HttpCameraOptions(url, user, password)
        {
            Timeout = TimeSpan.FromSeconds(timeoutSeconds), Attempts = attempts, RetryDelay = TimeSpan.FromMilliseconds(50),
        });

    private static async Task<BadSnapshotException> FailsAsync(HttpCamera camera) =>
        await Assert.ThrowsAsync<BadSnapshotException>(() => camera.TakeAsync(Key, Now, CancellationToken.None));

    [Fact]
    public async Task Snapshot_from_a_camera_is_its_image_with_source_and_time()
    {
        string url = sim.Add(CameraMode.Normal);
        var snapshot = await Camera(url).TakeAsync(Key, Now, CancellationToken.None);
        Assert.Equal(sim.Image, snapshot.Image);
        Assert.Equal(Key, snapshot.CameraKey);
        Assert.Equal(Now, snapshot.TakenAt);
        Assert.Equal(url, snapshot.Source);
        Assert.Equal(1, sim.Requests(url));
    }

    [Fact]
    public async Task Snapshot_over_basic_auth_is_fetched()
    {
        string url = sim.Add(CameraMode.Basic);
        var snapshot = await Camera(url, CameraSimulator.User, CameraSimulator.Password).TakeAsync(Key, Now, CancellationToken.None);
        Assert.Equal(sim.Image, snapshot.Image);
        Assert.Equal(2, sim.Requests(url)); // the challenge, then the answer
    }

    [Fact]
    public async Task Snapshot_over_digest_auth_is_fetched()
    {
        string url = sim.Add(CameraMode.Digest, DahuaPath);
        var snapshot = await Camera(url, CameraSimulator.User, CameraSimulator.Password).TakeAsync(Key, Now, CancellationToken.None);
        Assert.Equal(sim.Image, snapshot.Image);
        using var image = SnapshotImage.Decode(snapshot.Image);
        Assert.Equal((640, 480), (image.Width, image.Height));
    }

    [Fact]
    public async Task Simulated_digest_check_agrees_with_dotnets_own_digest_client()
    {
        // Proves the simulator's Digest check is the standard one, so the test above proves HttpCamera's answer is.
        string url = sim.Add(CameraMode.Digest, DahuaPath);
        using var right = new HttpClient(new HttpClientHandler { Credentials = new NetworkCredential(CameraSimulator.User, CameraSimulator.Password) });
        using var wrong = new HttpClient(new HttpClientHandler { Credentials = new NetworkCredential(CameraSimulator.User, "not-it") });
        Assert.Equal(HttpStatusCode.OK, (await right.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task Wrong_password_over_digest_fails_with_401_and_no_retry()
    {
        string url = sim.Add(CameraMode.Digest, DahuaPath);
        var e = await FailsAsync(Camera(url, CameraSimulator.User, "not-it"));
        Assert.StartsWith("camera answered 401 Unauthorized (check the user name and password)", e.Message);
        Assert.Equal(2, sim.Requests(url));
    }

    [Fact]
    public async Task Camera_answering_401_fails_with_a_clear_reason_and_no_retry()
    {
        string url = sim.Add(CameraMode.Unauthorized);
        var e = await FailsAsync(Camera(url, CameraSimulator.User, CameraSimulator.Password));
        Assert.StartsWith("camera answered 401 Unauthorized (check the user name and password)", e.Message);
        Assert.Equal(2, sim.Requests(url)); // one challenge answered, no further attempts
    }

    [Fact]
    public async Task Camera_needing_a_password_says_so_when_none_is_configured()
    {
        string url = sim.Add(CameraMode.Digest);
        var e = await FailsAsync(Camera(url));
        Assert.StartsWith("camera answered 401 Unauthorized (it needs a user name and password)", e.Message);
        Assert.Equal(1, sim.Requests(url));
    }

    [Fact]
    public async Task Wrong_snapshot_path_fails_with_404_and_no_retry()
    {
        string url = new Uri(sim.BaseUrl, "/cgi-bin/no-such-snapshot.cgi").ToString();
        var e = await FailsAsync(Camera(url));
        Assert.StartsWith("camera answered 404 Not Found (check the snapshot path in the URL)", e.Message);
        Assert.Equal(1, sim.Requests(url));
    }

    [Fact]
    public async Task Server_error_is_tried_again_then_fails_with_the_status()
    {
        string url = sim.Add(CameraMode.ServerError);
        var e = await FailsAsync(Camera(url, attempts: 3));
        Assert.StartsWith("camera answered 500 Internal Server Error (3 attempts)", e.Message);
        Assert.Equal(3, sim.Requests(url));
    }

    [Fact]
    public async Task Camera_that_fails_once_gives_the_snapshot_on_the_second_attempt()
    {
        string url = sim.Add(CameraMode.FailOnce);
        var snapshot = await Camera(url).TakeAsync(Key, Now, CancellationToken.None);
        Assert.Equal(sim.Image, snapshot.Image);
        Assert.Equal(2, sim.Requests(url));
    }

    [Fact]
    public async Task Slow_camera_times_out_within_the_limit()
    {
        string url = sim.Add(CameraMode.Slow);
        var clock = Stopwatch.StartNew();
        var e = await FailsAsync(Camera(url, timeoutSeconds: 0.4, attempts: 2));
        clock.Stop();
        Assert.StartsWith("timed out after 0.4 s (2 attempts)", e.Message);
        Assert.Equal(2, sim.Requests(url));
        // Two attempts of 0.4 s and a 50 ms pause; far below the camera's 10 s.
        Assert.InRange(clock.Elapsed.TotalSeconds, 0.8, 2.5);
    }

    [Fact]
    public async Task Connection_refused_fails_fast_with_a_clear_reason()
    {
        var clock = Stopwatch.StartNew();
        var e = await FailsAsync(Camera($"http://127.0.0.1:{LoopbackPorts.Unused()}/ISAPI/Streaming/channels/101/picture", attempts: 2));
        Assert.StartsWith("connection refused (2 attempts)", e.Message);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 2);
    }

    [Fact]
    public async Task Html_answer_is_rejected_as_not_an_image_without_retry()
    {
        string url = sim.Add(CameraMode.Html);
        var e = await FailsAsync(Camera(url));
        Assert.StartsWith("response is text/html, not an image", e.Message);
        Assert.Equal(1, sim.Requests(url));
    }

    [Fact]
    public async Task Garbage_labelled_as_jpeg_is_rejected_by_its_bytes()
    {
        string url = sim.Add(CameraMode.Garbage);
        var e = await FailsAsync(Camera(url));
        Assert.StartsWith("response (image/jpeg) is not a JPEG or PNG image (starts with 0x", e.Message);
        Assert.Contains("5000 bytes", e.Message);
    }

    [Fact]
    public async Task Truncated_jpeg_from_camera_is_rejected_by_SnapshotImage()
    {
        string url = sim.Add(CameraMode.TruncatedJpeg);
        var snapshot = await Camera(url).TakeAsync(Key, Now, CancellationToken.None);
        Assert.Equal(sim.Image.Length / 2, snapshot.Image.Length);
        var e = Assert.Throws<BadSnapshotException>(() => SnapshotImage.Decode(snapshot.Image));
        Assert.StartsWith("truncated JPEG", e.Message);
    }

    [Fact]
    public async Task Endless_response_is_cut_at_the_size_cap()
    {
        string url = sim.Add(CameraMode.Endless);
        var camera = new HttpCamera(Http, new HttpCameraOptions(url) { MaxBytes = 1024 * 1024, Timeout = TimeSpan.FromSeconds(10) });
        var clock = Stopwatch.StartNew();
        var e = await FailsAsync(camera);
        Assert.StartsWith("response exceeds 1 MB", e.Message);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 3);
        Assert.Equal(1, sim.Requests(url));
        // The connection is let go: the camera's writing stops instead of streaming on into the void.
        await sim.EndlessStopped(url).WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Credentials_never_appear_in_the_reason_or_source()
    {
        string url = sim.Add(CameraMode.Digest, DahuaPath);
        var withPassword = new UriBuilder(url) { UserName = CameraSimulator.User, Password = Uri.EscapeDataString(CameraSimulator.Password) }.Uri.ToString();
        Assert.Contains("Pa55%3Aw0rd%40cam", withPassword);

        var snapshot = await Camera(withPassword).TakeAsync(Key, Now, CancellationToken.None);
        Assert.Equal(sim.Image, snapshot.Image); // the URL's credentials were used...
        Assert.Equal(url, snapshot.Source); // ...and are not recorded

        var wrong = new UriBuilder(url) { UserName = CameraSimulator.User, Password = "Wr0ng-secret" }.Uri.ToString();
        var e = await FailsAsync(Camera(wrong));
        Assert.Contains("401 Unauthorized", e.Message);
        Assert.DoesNotContain("Wr0ng-secret", e.Message);
        Assert.DoesNotContain(CameraSimulator.User, e.Message);

        string query = sim.Add(CameraMode.Normal, "/cgi-bin/CGIProxy.fcgi");
        var foscam = await Camera(query + "?cmd=snapPicture2&usr=admin&pwd=Wr0ng-secret").TakeAsync(Key, Now, CancellationToken.None);
        Assert.Equal(query + "?cmd=snapPicture2&usr=***&pwd=***", foscam.Source);

        string options = new HttpCameraOptions(withPassword, "someone", "Wr0ng-secret").ToString();
        Assert.DoesNotContain("Wr0ng-secret", options);
        Assert.DoesNotContain("Pa55", options);
        Assert.DoesNotContain("someone", options);
    }

    [Fact]
    public async Task Cancellation_is_not_reported_as_a_bad_snapshot()
    {
        string url = sim.Add(CameraMode.Slow);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Camera(url, timeoutSeconds: 5).TakeAsync(Key, Now, cancel.Token));
        Assert.Equal(1, sim.Requests(url));
    }

    [Fact]
    public void Url_that_is_not_http_is_refused_with_a_reason()
    {
        var e = Assert.Throws<BadSnapshotException>(() => Camera("rtsp://admin:Wr0ng-secret@10.0.0.5/stream"));
        Assert.Equal("camera URL 'rtsp://10.0.0.5/stream' is not an absolute http:// or https:// URL", e.Message);
    }
}
