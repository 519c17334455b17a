using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using DeskVision.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DeskVision.Tests.Cameras;

/// <summary>How a simulated camera path answers.</summary>
public enum CameraMode
{
    /// <summary>The same photo every time: to a live camera's client, a frozen picture.</summary>
    Normal, Basic, Digest,
    /// <summary>The shared test photos in turn, one per request, as a live scene changes between snapshots.</summary>
    Live,
    /// <summary>The same scene each time, with fresh sensor noise and JPEG encoding: a live camera over a still desk.</summary>
    Still,
    /// <summary>A black picture with sensor noise, as from a covered lens: valid JPEG, nothing to audit.</summary>
    Black,
    /// <summary>Always 401 with a Basic challenge, whatever the credentials.</summary>
    Unauthorized,
    ServerError,
    /// <summary>503 on the first request, the image afterwards: a camera that is rebooting.</summary>
    FailOnce,
    /// <summary>Answers after <see cref="CameraSimulator.SlowDelay"/>, longer than any client timeout in the tests.</summary>
    Slow,
    /// <summary>Random bytes labelled image/jpeg.</summary>
    Garbage,
    /// <summary>The first half of the JPEG, as a complete HTTP answer.</summary>
    TruncatedJpeg,
    /// <summary>A login page, as cameras give when the path is a web UI page.</summary>
    Html,
    /// <summary>A JPEG header and then bytes forever, as fast as the client takes them.</summary>
    Endless,
    /// <summary>The picture given to <see cref="CameraSimulator.AddScene"/> (changed by <see cref="CameraSimulator.ShowScene"/>), with a little sensor noise.</summary>
    Scene,
}

/// <summary>
/// A fake IP camera over real HTTP on 127.0.0.1 (Kestrel), serving a real COCO photo. Each test registers its own
/// path with <see cref="Add"/>, so tests share one server and still count their own requests.
/// </summary>
public sealed class CameraSimulator : IAsyncLifetime
{
    public const string User = "admin";
    /// <summary>Has ':' and '@' so that credentials in a URL must be percent-encoded and decoded right.</summary>
    public const string Password = "Pa55:w0rd@cam";
    public const string Realm = "IP Camera(C1234)";
    public static readonly TimeSpan SlowDelay = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, CameraMode> modes = new();
    private readonly ConcurrentDictionary<string, int> requests = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> endless = new();
    private readonly ConcurrentDictionary<string, byte[]> scenes = new();
    private readonly string nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
    private WebApplication? app;
    private int cameras;

    /// <summary>The photo every normal camera serves: the first COCO test image, 640×480.</summary>
    public byte[] Image { get; } = File.ReadAllBytes(TestImages.First);

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Registers a camera at a fresh path ending in <paramref name="path"/>; returns its absolute URL.</summary>
    public string Add(CameraMode mode, string path = "/ISAPI/Streaming/channels/101/picture")
    {
        string unique = $"/cam{Interlocked.Increment(ref cameras)}{path}";
        modes[unique] = mode;
        if (mode == CameraMode.Endless) endless[unique] = new(TaskCreationOptions.RunContinuationsAsynchronously);
        return new Uri(BaseUrl, unique).ToString();
    }

    /// <summary>
    /// A camera showing <paramref name="picture"/> (JPEG or PNG) with a little sensor noise on each snapshot, so it never
    /// looks frozen, until <see cref="ShowScene"/> changes what it sees: the desk rearranged, or the camera knocked to another view.
    /// </summary>
    public string AddScene(byte[] picture)
    {
        string url = Add(CameraMode.Scene);
        scenes[new Uri(url).AbsolutePath] = picture;
        return url;
    }

    public void ShowScene(string url, byte[] picture) => scenes[new Uri(url).AbsolutePath] = picture;

    public int Requests(string url) => requests.GetValueOrDefault(new Uri(url).AbsolutePath);

    /// <summary>Completes when an endless answer stops because the client went away.</summary>
    public Task EndlessStopped(string url) => endless[new Uri(url).AbsolutePath].Task;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        app = builder.Build();
        app.Run(ServeAsync);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseUrl = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        if (app is null) return;
        using var hurry = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await app.StopAsync(hurry.Token);
        await app.DisposeAsync();
    }

    private async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        string path = request.Path.Value ?? "";
        int count = requests.AddOrUpdate(path, 1, (_, n) => n + 1);
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, app!.Lifetime.ApplicationStopping);
        if (!modes.TryGetValue(path, out var mode))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        switch (mode)
        {
            case CameraMode.Basic when !BasicAccepted(request):
            case CameraMode.Unauthorized:
                response.StatusCode = StatusCodes.Status401Unauthorized;
                response.Headers.WWWAuthenticate = $"Basic realm=\"{Realm}\"";
                return;
            case CameraMode.Digest when !DigestAccepted(context):
                // As Hikvision sends it.
                response.StatusCode = StatusCodes.Status401Unauthorized;
                response.Headers.WWWAuthenticate = $"Digest qop=\"auth\", realm=\"{Realm}\", nonce=\"{nonce}\", stale=\"FALSE\", opaque=\"5ccc069c\"";
                return;
            case CameraMode.ServerError:
                response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            case CameraMode.FailOnce when count == 1:
                response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            case CameraMode.Slow:
                try { await Task.Delay(SlowDelay, gone.Token); }
                catch (OperationCanceledException) { return; }
                break;
            case CameraMode.Garbage:
                response.ContentType = "image/jpeg";
                await response.Body.WriteAsync(new Random(7).GetItems<byte>(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), 5000), gone.Token);
                return;
            case CameraMode.TruncatedJpeg:
                response.ContentType = "image/jpeg";
                await response.Body.WriteAsync(Image.AsMemory(0, Image.Length / 2), gone.Token);
                return;
            case CameraMode.Html:
                response.ContentType = "text/html; charset=utf-8";
                await response.WriteAsync("<html><body><form action=\"/login\">Login</form></body></html>", gone.Token);
                return;
            case CameraMode.Endless:
                await WriteForeverAsync(response, endless[path], gone.Token);
                return;
        }
        response.ContentType = "image/jpeg";
        await response.Body.WriteAsync(mode switch
        {
            CameraMode.Live => LiveImages[(count - 1) % LiveImages.Length],
            CameraMode.Black => BlackImage(count),
            CameraMode.Still => Noisy(Image, count),
            CameraMode.Scene => Noisy(scenes[path], count),
            _ => Image,
        }, gone.Token);
    }

    private static byte[] BlackImage(int seed)
    {
        using var dark = new OpenCvSharp.Mat(480, 640, OpenCvSharp.MatType.CV_8UC3);
        OpenCvSharp.Cv2.Randu(dark, new OpenCvSharp.Scalar(0, 0, 0), new OpenCvSharp.Scalar(6 + seed % 3, 6, 6));
        return dark.ImEncode(".jpg");
    }

    private static byte[] Noisy(byte[] picture, int seed) => DeskVision.Tools.StillScene.Frame(picture, seed);

    private static readonly byte[][] LiveImages = Directory.EnumerateFiles(TestImages.Folder, "*.jpg").Order(StringComparer.Ordinal)
        .Take(12).Select(File.ReadAllBytes).ToArray();

    private async Task WriteForeverAsync(HttpResponse response, TaskCompletionSource stopped, CancellationToken gone)
    {
        response.ContentType = "image/jpeg";
        byte[] chunk = new byte[64 * 1024];
        try
        {
            await response.Body.WriteAsync(Image.AsMemory(0, 1024), gone); // a real JPEG start, then zeros
            // Kestrel drops writes to a connection that has gone instead of failing them, so ask the token;
            // the yield lets its cancellation (queued on the thread pool) run on a busy machine.
            while (!gone.IsCancellationRequested)
            {
                await response.Body.WriteAsync(chunk, gone);
                await Task.Yield();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ConnectionAbortedException)
        {
        }
        stopped.TrySetResult();
    }

    private static bool BasicAccepted(HttpRequest request) =>
        AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var auth) && auth.Scheme == "Basic"
        && auth.Parameter == Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}"));

    /// <summary>Checks an RFC 7616 MD5 qop=auth answer; written apart from the client's code so that one bug cannot hide in both.</summary>
    private bool DigestAccepted(HttpContext context)
    {
        string header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Digest ", StringComparison.Ordinal)) return false;
        var p = Regex.Matches(header[7..], """(\w+)=(?:"([^"]*)"|([^,\s]*))""")
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value);
        string target = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        if (p.GetValueOrDefault("username") != User || p.GetValueOrDefault("realm") != Realm || p.GetValueOrDefault("nonce") != nonce
            || p.GetValueOrDefault("uri") != target || p.GetValueOrDefault("qop") != "auth" || p.GetValueOrDefault("opaque") != "5ccc069c")
            return false;
        string ha1 = Md5($"{User}:{Realm}:{Password}"), ha2 = Md5($"{context.Request.Method}:{target}");
        return p.GetValueOrDefault("response") == Md5($"{ha1}:{nonce}:{p.GetValueOrDefault("nc")}:{p.GetValueOrDefault("cnonce")}:auth:{ha2}");
    }

    private static string Md5(string text) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>The shared test photos: <c>../shared/testdata/coco/images</c> next to the checkout (found as the app finds its root).</summary>
public static class TestImages
{
    public static string Folder { get; } = Path.GetFullPath(Path.Combine(ProjectPaths.Root, "..", "shared", "testdata", "coco", "images"));

    /// <summary>000000000009.jpg, 640×480 (even sides, which the RTSP server's H.264 encoder needs).</summary>
    public static string First => Directory.EnumerateFiles(Folder, "*.jpg").Order(StringComparer.Ordinal).First();
}
