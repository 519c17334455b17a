using System.Diagnostics;
using System.Globalization;
using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Web.Hosting;
using DeskVision.Web.Schedules;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DeskVision.Tools;

/// <summary>
/// <c>deskvision soak [--cameras 200] [--every-seconds 10] [--minutes 10] [--workers 2] [--model n] [--scene live|still]</c>: many pretend
/// HTTP cameras, an audit of each every few seconds, real worker processes on one PostgreSQL job store, for a bounded
/// time. Prints scheduled against stored audits (they must be equal), queue delay p50/p95, failures, and the workers'
/// memory at the start and the end. Uses a throw-away database on the server of DESKVISION_DB.
/// With <c>--backlog N</c>, N audits are all due at once instead: the workers run flat out, and the figure is how many
/// audits per minute they store (first to last stored, so start-up is not counted), for comparing 1, 2 or 4 workers.
/// </summary>
public static class SoakCommand
{
    public static async Task<int> RunAsync(CommandArgs args, CancellationToken ct)
    {
        int cameraCount = args.GetInt("cameras") ?? 200, every = args.GetInt("every-seconds") ?? 10;
        double minutes = args.GetFloat("minutes") ?? 10;
        int workerCount = args.GetInt("workers") ?? 2;
        int? backlog = args.GetInt("backlog");
        if (backlog is <= 0) throw new UsageException("soak: --backlog must be at least 1");
        string model = args.Get("model") ?? "n";
        // live: each camera sends the next office photo every time (everything changes, the model runs on every frame);
        // still: one photo each with fresh noise (a quiet hall: after its first frame a camera's audits skip the model).
        string scene = args.Get("scene") ?? "live";
        if (scene is not ("live" or "still")) throw new UsageException("soak: --scene must be live or still");
        string server = AppSettings.ConnectionString();
        string database = $"dv_soak_{DateTime.UtcNow:yyyyMMddHHmmss}";
        string connection = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        Say($"{cameraCount} cameras ({scene} scenes), an audit each every {every} s for {minutes} min, {workerCount} worker process(es), model {model}, database {database}");

        await Admin(server, $"CREATE DATABASE \"{database}\"", ct);
        var workers = new List<Process>();
        try
        {
            var folder = Path.Combine(ProjectPaths.Root, "..", "shared", "testdata", "office", "images");
            var names = Enumerable.Range(0, cameraCount).Select(i => $"soak-{i:000}").ToList();
            await using var cameras = await DemoCameras.StartAsync(0, names.ToDictionary(n => n, _ => folder), null, ct, still: scene == "still");

            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DESKVISION_DB"] = connection, ["DESKVISION_MODEL"] = model }).Build();
            await using var services = new ServiceCollection().AddLogging().AddDeskVision(config, runJobs: false).BuildServiceProvider();
            var start = DateTimeOffset.UtcNow.AddSeconds(20); // time for the workers to start
            int perCamera = backlog is int n ? (n + cameraCount - 1) / cameraCount : (int)(minutes * 60 / every);
            using (var scope = services.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<DeskVisionDb>();
                await db.Database.MigrateAsync(ct);
                var writer = new AuditWriter(db);
                var scheduler = scope.ServiceProvider.GetRequiredService<AuditScheduler>();
                for (int i = 0; i < names.Count; i++)
                {
                    int id = await writer.EnsureCameraAsync(new CameraLayout(names[i], "soak-hall", $"{i + 1}号窗口", 0.5,
                        [new Zone("counter", ZoneKind.Desk, [(0, 0.4), (1, 0.4), (1, 1), (0, 1)]), new Zone("seat", ZoneKind.Seat, [(0.2, 0.5), (0.8, 0.5), (0.8, 1), (0.2, 1)])],
                        new Uri(cameras.BaseUrl, $"{names[i]}/snapshot.jpg").ToString()), ct);
                    // Cameras staggered over the period, as real schedules are.
                    var offset = TimeSpan.FromSeconds(every * (double)i / names.Count);
                    var times = Enumerable.Range(0, perCamera).Select(k => (backlog is null ? start + offset + TimeSpan.FromSeconds(k * every) : start.AddMilliseconds(k),
                        PlannedAuditKinds.Interval, 0)).ToList();
                    await scheduler.PlanAsync(id, DateOnly.FromDateTime(start.UtcDateTime), times, ct);
                    if ((i + 1) % 50 == 0) Progress($"planned {i + 1}/{names.Count} cameras");
                }
            }
            int scheduled = cameraCount * perCamera;
            Say($"{scheduled} audits planned from {start:HH:mm:ss} UTC");

            for (int w = 0; w < workerCount; w++) workers.Add(StartWorker(connection, model));
            await Task.Delay(TimeSpan.FromSeconds(15), ct);
            var rssStart = workers.Select(Rss).ToList();

            var end = backlog is null ? start.AddMinutes(minutes) : start;
            // Then the workers work off what is left: as long as they keep storing audits (a stall of a minute is a fault,
            // not a backlog), up to three times the run's length. A backlog run has --minutes in all.
            var hardStop = backlog is null ? end.AddMinutes(Math.Max(2, minutes * 3)) : start.AddMinutes(minutes);
            int stored = 0, lastCount = -1;
            var lastProgress = DateTimeOffset.UtcNow;
            while (DateTimeOffset.UtcNow < hardStop)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), ct);
                await using var db = new DeskVisionDb(DeskVisionDb.Options(connection));
                stored = await db.Audits.CountAsync(ct);
                if (stored != lastCount) { lastCount = stored; lastProgress = DateTimeOffset.UtcNow; }
                Progress($"{stored}/{scheduled} stored, due so far {Math.Min(scheduled, DueSoFar(start, every, cameraCount, perCamera))}, workers alive {workers.Count(p => !p.HasExited)}");
                if (stored >= scheduled) break;
                if (DateTimeOffset.UtcNow > end && DateTimeOffset.UtcNow - lastProgress > TimeSpan.FromMinutes(1))
                {
                    Progress("no audit stored for a minute after the end: stopping");
                    break;
                }
            }
            Say(stored >= scheduled ? $"all stored {Math.Max(0, (DateTimeOffset.UtcNow - end).TotalSeconds):0} s (±10 s) after the last was due"
                : $"stopped {(DateTimeOffset.UtcNow - end).TotalSeconds:0} s after the last was due with {scheduled - stored} not stored");
            var rssEnd = workers.Select(Rss).ToList();

            await using (var db = new DeskVisionDb(DeskVisionDb.Options(connection)))
            {
                var delays = await db.Audits.Where(a => a.PlannedAuditId != null)
                    .Join(db.PlannedAudits, a => a.PlannedAuditId, p => (long?)p.Id, (a, p) => new { a.StoredAt, p.DueAt, a.Status })
                    .ToListAsync(ct);
                var seconds = delays.Select(d => (d.StoredAt - d.DueAt).TotalSeconds).Order().ToList();
                int failed = delays.Count(d => d.Status != AuditStatuses.Ok);
                int duplicates = await db.Audits.GroupBy(a => a.PlannedAuditId).CountAsync(g => g.Count() > 1, ct);
                int reused = await db.Audits.CountAsync(a => a.DetectionsReusedFrom != null, ct);
                Console.WriteLine($"soak: {reused} of {delays.Count} audits reused an unchanged frame's detections (model not run)");
                if (backlog is not null && delays.Count > 1)
                {
                    var times = delays.Select(d => d.StoredAt).Order().ToList();
                    double perMinute = (times.Count - 1) / (times[^1] - times[0]).TotalMinutes;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"workers={workerCount} model={model} backlog={scheduled} stored={delays.Count} audits_per_min={perMinute:0} per_worker={perMinute / workerCount:0} load={File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"scheduled={scheduled} stored={delays.Count} duplicates={duplicates} failed={failed} delay_p50_s={Pct(seconds, 0.5):0.0} delay_p95_s={Pct(seconds, 0.95):0.0} delay_max_s={(seconds.Count == 0 ? 0 : seconds[^1]):0.0} " +
                    $"rss_start_mb={string.Join('/', rssStart.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))} rss_end_mb={string.Join('/', rssEnd.Select(r => r.ToString("0", CultureInfo.InvariantCulture)))}"));
                return delays.Count == scheduled && duplicates == 0 ? 0 : 1;
            }
        }
        finally
        {
            foreach (var w in workers) { if (!w.HasExited) w.Kill(entireProcessTree: true); w.Dispose(); }
            NpgsqlConnection.ClearAllPools();
            if (!args.Flag("keep")) await Admin(server, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", CancellationToken.None);
        }
    }

    private static int DueSoFar(DateTimeOffset start, int every, int cameras, int perCamera) =>
        (int)Math.Clamp((DateTimeOffset.UtcNow - start).TotalSeconds / every * cameras, 0, (double)cameras * perCamera);

    private static Process StartWorker(string connection, string model)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "deskvision.dll"));
        psi.ArgumentList.Add("worker");
        psi.Environment["DESKVISION_DB"] = connection;
        psi.Environment["DESKVISION_MODEL"] = model;
        psi.Environment["DESKVISION_ROOT"] = ProjectPaths.Root;
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, e) => { if (e.Data is { } line && line.Contains("fail", StringComparison.OrdinalIgnoreCase)) Console.Error.WriteLine($"[worker {p.Id}] {line}"); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private static double Rss(Process p)
    {
        try
        {
            string? line = File.ReadLines($"/proc/{p.Id}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException) { return 0; }
    }

    private static double Pct(List<double> sorted, double q) => sorted.Count == 0 ? 0 : sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(q * sorted.Count))];

    private static async Task Admin(string server, string sql, CancellationToken ct)
    {
        await using var c = new NpgsqlConnection(server);
        await c.OpenAsync(ct);
        await new NpgsqlCommand(sql, c).ExecuteNonQueryAsync(ct);
    }

    private static void Say(string message) => Console.WriteLine($"soak: {message}");
    private static void Progress(string message) => Console.Error.WriteLine($"[soak {DateTime.UtcNow:HH:mm:ss}] {message}");
}
