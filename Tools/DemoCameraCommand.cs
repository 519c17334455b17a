namespace DeskVision.Tools;

/// <summary>
/// <c>deskvision demo-camera [--port 5081] NAME=FOLDER[/PREFIX]...</c>: pretend IP cameras over real HTTP for the demo site,
/// each answering <c>GET /NAME/snapshot.jpg</c> with the next frame of one real fixed camera, in the order it took them,
/// from the first again after the last. <c>FOLDER/PREFIX</c> picks one camera's frames out of a folder that holds several
/// (the office set names its files <c>{camera id}_{channel}_{yyyyMMddHHmmss…}</c>).
/// The demo then exercises the same HTTP camera path a real Hikvision or Dahua camera would.
/// </summary>
public static class DemoCameraCommand
{
    public static async Task<int> RunAsync(CommandArgs args, CancellationToken ct)
    {
        int port = args.GetInt("port") ?? 5081;
        var cameras = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string spec in args.Positional)
        {
            var parts = spec.Split('=', 2);
            if (parts.Length != 2) throw new UsageException($"demo-camera: '{spec}' is not NAME=FOLDER");
            cameras[parts[0]] = Path.GetFullPath(Path.Combine(ProjectPaths.Root, parts[1]));
        }
        if (cameras.Count == 0) throw new UsageException("demo-camera: give at least one NAME=FOLDER");
        await using var server = await DemoCameras.StartAsync(port, cameras, Console.WriteLine, ct);
        Console.WriteLine($"demo cameras on {server.BaseUrl}NAME/snapshot.jpg");
        await server.Stopped;
        return 0;
    }
}

/// <summary>The pretend cameras themselves: one Kestrel server, a photo folder per camera name, next photo per request.</summary>
public sealed class DemoCameras : IAsyncDisposable
{
    private readonly WebApplication _app;
    public Uri BaseUrl { get; }
    public Task Stopped { get; }

    private DemoCameras(WebApplication app, Uri baseUrl, Task stopped) { _app = app; BaseUrl = baseUrl; Stopped = stopped; }

    /// <param name="still">Each camera keeps to one photo of its folder and sends it with fresh sensor noise and JPEG
    /// encoding every time: a live camera over a desk where nothing moves (a quiet hall), not a frozen one.</param>
    public static async Task<DemoCameras> StartAsync(int port, IReadOnlyDictionary<string, string> folders, Action<string>? log, CancellationToken ct, bool still = false)
    {
        var photos = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (name, folder) in folders)
        {
            photos[name] = Frames(folder);
            log?.Invoke($"demo camera {name}: {photos[name].Length} photos from {folder}");
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var turns = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        app.MapGet("/{name}/snapshot.jpg", (string name) =>
        {
            if (!photos.TryGetValue(name, out var list)) return Results.NotFound();
            if (list.Length == 0) return Results.Problem("this demo camera has no photos (../shared/testdata missing?)", statusCode: 503);
            int turn = turns.AddOrUpdate(name, 0, (_, n) => n + 1);
            if (still) return Results.File(StillFrame(list[(name.GetHashCode() & 0x7fffffff) % list.Length], turn), "image/jpeg");
            return Results.File(list[turn % list.Length], "image/jpeg");
        });
        await app.StartAsync(ct);
        var address = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1") + "/");
        // Done when Ctrl-C/SIGTERM stops the server (its console lifetime) or the caller cancels.
        var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, app.Lifetime.ApplicationStopping);
        var stopped = Task.Delay(Timeout.Infinite, linked.Token).ContinueWith(_ => linked.Dispose(), TaskScheduler.Default);
        return new DemoCameras(app, address, stopped);
    }

    /// <summary>The frames of <paramref name="spec"/> (a folder, or <c>folder/prefix</c>) in time order: by the number
    /// a name starts with (the classroom set's frame numbers), then by name (the office set's time stamps, all of one
    /// length after the same camera id).</summary>
    public static string[] Frames(string spec)
    {
        string folder = spec, prefix = "";
        if (!Directory.Exists(spec))
        {
            folder = Path.GetDirectoryName(spec) ?? ".";
            prefix = Path.GetFileName(spec);
        }
        if (!Directory.Exists(folder)) return [];
        return Directory.EnumerateFiles(folder)
            .Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) && Path.GetFileName(f).StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(f => LeadingNumber(Path.GetFileName(f))).ThenBy(f => f, StringComparer.Ordinal).ToArray();
    }

    private static long LeadingNumber(string name)
    {
        int digits = 0;
        while (digits < name.Length && digits < 18 && char.IsAsciiDigit(name[digits])) digits++;
        return digits == 0 ? long.MaxValue : long.Parse(name.AsSpan(0, digits));
    }

    private static byte[] StillFrame(string photo, int turn)
    {
        using var scene = OpenCvSharp.Cv2.ImRead(photo);
        return StillScene.Frame(scene, turn + 1);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
