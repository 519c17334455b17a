using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DeskVision.Ingest;
using DeskVision.Tests.Fixtures;

namespace DeskVision.Tests.Cameras;

[Collection(RtspServerCollection.Name)]
[Trait("Category", "Slow")]
public sealed class RtspCameraTests(RtspTestServer server)
{
    private const string Key = "hall1-w2";
    private static readonly DateTimeOffset Now = new(2025, 3, 4, 9, 30, 0, TimeSpan.Zero);

    private static RtspCamera Camera(string url, string? user = null, string? password = null, double timeoutSeconds = 8) =>
        new(new RtspCameraOptions(url, user, password) { Timeout = TimeSpan.FromSeconds(timeoutSeconds) });

    [Fact]
    public async Task Frame_from_an_rtsp_stream_decodes_to_the_streams_size()
    {
        var snapshot = await Camera(server.OpenUrl).TakeAsync(Key, Now, CancellationToken.None);

        using var frame = SnapshotImage.Decode(snapshot.Image);
        using var original = SnapshotImage.Decode(File.ReadAllBytes(server.Image));
        Assert.Equal((original.Width, original.Height), (frame.Width, frame.Height));
        Assert.Equal(server.OpenUrl, snapshot.Source);
        Assert.Equal(Now, snapshot.TakenAt);
        Assert.Equal(Key, snapshot.CameraKey);
    }

    [Fact]
    public async Task Stream_behind_a_password_is_read_with_credentials_from_the_url()
    {
        var withPassword = new UriBuilder(server.SecuredUrl) { UserName = RtspTestServer.User, Password = Uri.EscapeDataString(RtspTestServer.Password) };
        var snapshot = await Camera(withPassword.Uri.ToString()).TakeAsync(Key, Now, CancellationToken.None);

        using var frame = SnapshotImage.Decode(snapshot.Image);
        Assert.Equal(640, frame.Width);
        Assert.Equal(server.SecuredUrl, snapshot.Source);
    }

    [Fact]
    public async Task Wrong_password_fails_with_401_and_the_credentials_scrubbed()
    {
        var e = await Assert.ThrowsAsync<BadSnapshotException>(() =>
            Camera(server.SecuredUrl, RtspTestServer.User, "Wr0ng-secret").TakeAsync(Key, Now, CancellationToken.None));

        Assert.StartsWith("camera answered 401 Unauthorized (check the user name and password)", e.Message);
        Assert.Contains("Server returned 401", e.Message); // ffmpeg's own words are kept...
        Assert.DoesNotContain("Wr0ng-secret", e.Message); // ...but not the password ffmpeg echoes with the URL
        Assert.DoesNotContain(RtspTestServer.User, e.Message);
        Assert.EndsWith("; " + server.SecuredUrl, e.Message);
    }

    [Fact]
    public async Task Dead_url_fails_fast_with_a_clear_reason()
    {
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<BadSnapshotException>(() =>
            Camera($"rtsp://127.0.0.1:{LoopbackPorts.Unused()}/cam").TakeAsync(Key, Now, CancellationToken.None));
        // ffmpeg's own refusal ends it, not the 8 s limit (that would say "no frame within"); the bound leaves a loaded
        // machine the time to start ffmpeg.
        Assert.StartsWith("connection refused", e.Message);
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 5);
    }

    [Fact]
    public async Task Camera_that_never_answers_is_killed_at_the_time_limit()
    {
        // Accepts the connection and says nothing, as a hung camera does.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        int port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accepted = silent.AcceptSocketAsync();

        string url = $"rtsp://127.0.0.1:{port}/cam";
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<BadSnapshotException>(() =>
            // WaitAsync: should ffmpeg outlive its limit, this test fails instead of hanging.
            Camera(url, timeoutSeconds: 3).TakeAsync(Key, Now, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.StartsWith("no frame within 3 s (ffmpeg stopped)", e.Message);
        Assert.InRange(clock.Elapsed.TotalSeconds, 2.9, 8);

        // ffmpeg is gone...
        Assert.Empty(ProcessesNaming(url));
        // ...and, when it got as far as connecting (on a machine loaded enough, starting ffmpeg takes longer than the
        // limit, and it is killed before it connects), its end of the connection is closed: a read here ends.
        if (accepted.IsCompleted)
        {
            using var socket = await accepted;
            var buffer = new byte[4096];
            int read;
            do read = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(2)); while (read > 0);
        }
    }

    /// <summary>The processes whose command line contains <paramref name="text"/> (a process that has ended has none).</summary>
    private static IEnumerable<int> ProcessesNaming(string text) =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(d => d!.All(char.IsAsciiDigit)).Select(d => int.Parse(d!))
            .Where(pid =>
            {
                try { return File.ReadAllText($"/proc/{pid}/cmdline").Contains(text, StringComparison.Ordinal); }
                catch (IOException) { return false; } // it ended meanwhile
                catch (UnauthorizedAccessException) { return false; }
            });

    [Fact]
    public async Task Cancellation_kills_ffmpeg_and_is_not_reported_as_a_bad_snapshot()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Camera($"rtsp://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/cam").TakeAsync(Key, Now, cancel.Token).WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Missing_ffmpeg_is_reported_as_such()
    {
        var camera = new RtspCamera(new RtspCameraOptions(server.OpenUrl) { FfmpegPath = "/nonexistent/ffmpeg" });
        var e = await Assert.ThrowsAsync<BadSnapshotException>(() => camera.TakeAsync(Key, Now, CancellationToken.None));
        Assert.StartsWith("cannot run '/nonexistent/ffmpeg'", e.Message);
    }
}
