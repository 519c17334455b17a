namespace DeskVision.Web.Cli;

/// <summary>
/// <c>deskvision demo-camera [--port 5081] NAME=FOLDER...</c>: pretend IP cameras over real HTTP for the demo site, each
/// answering <c>GET /NAME/snapshot.jpg</c> with the next photo of its folder, as a live scene changes between snapshots.
/// The demo then exercises the same HTTP camera path a real Hikvision or Dahua camera would.
/// </summary>
public static class DemoCameraCommand
{
    public static async Task<int> RunAsync(CommandArgs args, CancellationToken ct)
    {
        int port = args.GetInt("port") ?? 5081;
        var cameras = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (string spec in args.Positional)
        {
            var parts = spec.Split('=', 2);
            if (parts.Length != 2) throw new UsageException($"demo-camera: '{spec}' is not NAME=FOLDER");
            string folder = Path.GetFullPath(Path.Combine(ProjectPaths.Root, parts[1]));
            cameras[parts[0]] = Directory.Exists(folder)
                ? Directory.EnumerateFiles(folder).Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToArray()
                : [];
            Console.WriteLine($"demo camera {parts[0]}: {cameras[parts[0]].Length} photos from {folder}");
        }
        if (cameras.Count == 0) throw new UsageException("demo-camera: give at least one NAME=FOLDER");

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var turns = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        app.MapGet("/{name}/snapshot.jpg", (string name) =>
        {
            if (!cameras.TryGetValue(name, out var photos)) return Results.NotFound();
            if (photos.Length == 0) return Results.Problem("this demo camera has no photos (../shared/testdata missing?)", statusCode: 503);
            int turn = turns.AddOrUpdate(name, 0, (_, n) => n + 1);
            return Results.File(photos[turn % photos.Length], "image/jpeg");
        });
        Console.WriteLine($"demo cameras on http://127.0.0.1:{port}/NAME/snapshot.jpg");
        await app.RunAsync(ct);
        return 0;
    }
}
