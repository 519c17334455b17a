using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using DeskVision.Detectors;
using DeskVision.Ingest;
using DeskVision.Scoring;
using DeskVision.Store;
using OpenCvSharp;
using OpenCvSharp.Dnn;

namespace DeskVision.Tools;

/// <summary>
/// <c>deskvision bench [--model n|s|m|PATH] [--images DIR] [--runs N] [--audits N] [--quick] [--skip-only] [--spinning]</c>: what an audit costs
/// against what the model alone costs, on the same real photos, after warm-up. Audits are stored in a throw-away
/// database created on the server of DESKVISION_DB and dropped at the end. The last line holds every figure, for scripts.
/// </summary>
public static class BenchCommand
{
    // Two loops sharing the one detector: while one waits for the model lock, the other decodes or stores.
    private const int ConcurrentCameras = 2;
    private const int MemoryBaselineAudits = 100;

    public static async Task<int> RunAsync(CommandArgs args, CancellationToken ct)
    {
        bool quick = args.Flag("quick");
        string imageFolder = args.Get("images") ?? Path.Combine(ProjectPaths.Root, "..", "shared", "testdata", "coco", "images");
        int passes = args.GetInt("runs") ?? (quick ? 1 : 3);
        int audits = args.GetInt("audits") ?? (quick ? 300 : 10_000);
        int storeWrites = quick ? 200 : 1_000;
        if (passes < 1) throw new UsageException("bench: --runs must be at least 1");
        if (audits <= MemoryBaselineAudits) throw new UsageException($"bench: --audits must be more than {MemoryBaselineAudits} (memory is compared with after {MemoryBaselineAudits})");
        if (!Directory.Exists(imageFolder)) throw new UsageException($"bench: images folder '{imageFolder}' not found");

        var photos = Directory.EnumerateFiles(imageFolder)
            .Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase))
            .Order().Select(f => (Path: f, Bytes: File.ReadAllBytes(f))).ToList();
        if (photos.Count == 0) throw new UsageException($"bench: no JPEG photos in '{imageFolder}'");

        string modelPath = ModelFile.Resolve(args.Get("model"), ProjectPaths.Models);
        using var detector = new ObjectDetector(new DetectorOptions { ModelPath = modelPath, AllowSpinning = args.Flag("spinning") });
        var standard = StandardFile.Load(AppSettings.DefaultStandardFile, detector.Labels);
        var cameras = Directory.GetFiles(Path.Combine(ProjectPaths.Sites, "demo", "cameras"), "*.yaml").Order().Select(CameraFile.Load).ToList();
        var pipeline = new AuditPipeline(detector, standard);
        string loadBefore = LoadAverage();
        Progress($"{detector.ModelId}, {photos.Count} photos from {imageFolder}, {cameras.Count} cameras, {Environment.ProcessorCount} cores, load {loadBefore}");

        if (args.Flag("skip-only"))
        {
            foreach (string line in SkipUnchangedFigures(pipeline, ct)) Console.WriteLine(line);
            return 0;
        }

        await using var store = await ThrowAwayStore.CreateAsync(AppSettings.ConnectionString(), cameras, standard, ct);
        Progress($"throw-away database {store.Name}");

        // Warm-up: first runs pay for lazy initialisation (ORT arenas, EF model, JIT, connection pool).
        for (int i = 0; i < Math.Min(5, photos.Count); i++)
        {
            await store.AuditAsync(pipeline, Snap(photos[i], cameras[0]), cameras[0], ct);
            detector.RunModel();
        }

        // Latency: each photo through the whole audit, then through the detector alone, then the model alone.
        var raw = new List<double>();
        var pipelineMs = new List<double>();
        var auditMs = new List<double>();
        var storeMs = new List<double>();
        var detectMs = new List<double>();
        var withViolations = new List<AuditResult>();
        var notJudged = new List<string>();
        var clock = new Stopwatch();
        for (int pass = 0; pass < passes; pass++)
            for (int i = 0; i < photos.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var camera = cameras[i % cameras.Count];
                clock.Restart();
                var (_, result, judging) = await store.AuditAsync(pipeline, Snap(photos[i], camera), camera, ct);
                double total = clock.Elapsed.TotalMilliseconds;
                double audited = judging.TotalMilliseconds;
                if (result.Status != AuditStatus.Ok)
                {
                    // Failed or unreliable: the model did not run, so neither figure would be about this photo.
                    notJudged.Add($"{Path.GetFileName(photos[i].Path)} {result.Status}: {result.FailureReason}");
                    continue;
                }
                pipelineMs.Add(total);
                auditMs.Add(audited);
                storeMs.Add(total - audited);
                if (pass == 0 && result.Violations.Count > 0) withViolations.Add(result);

                // The detector's own share (letterbox, tensor, model, NMS) on the decoded photo.
                using (var image = SnapshotImage.Decode(photos[i].Bytes))
                {
                    clock.Restart();
                    detector.Detect(image);
                    detectMs.Add(clock.Elapsed.TotalMilliseconds);
                }

                // Then the model alone on the input that left ready. Right after a model run, not after the store, so raw
                // gets the warmest caches it can: if anything, pipeline_over_raw comes out high, not flattering.
                clock.Restart();
                detector.RunModel();
                raw.Add(clock.Elapsed.TotalMilliseconds);
                if ((i + 1) % 10 == 0) Progress($"latency: pass {pass + 1}/{passes}, {i + 1}/{photos.Count} photos");
            }
        foreach (string photo in notJudged.Distinct()) Progress($"left out of the latency figures: {photo}");
        if (pipelineMs.Count == 0) throw new UsageException("bench: no photo was judged (all failed or unreliable), nothing to time");

        // Skipping unchanged frames, on a real sequence of CCTV frames.
        var skipLines = SkipUnchangedFigures(pipeline, ct);

        // Throughput and memory: several cameras queued, two loops sharing the detector, every audit stored.
        var (auditsPerMin, memory100, memoryN, statuses) = await ThroughputAsync(pipeline, store, photos, cameras, audits, ct);

        // Store alone: real results with violations, written again and again, no model.
        if (withViolations.Count == 0) Progress("store: no photo gave a violation with these cameras; writing audits without violations");
        var toWrite = withViolations.Count > 0 ? withViolations : [pipeline.Run(Snap(photos[0], cameras[0]), cameras[0])];
        clock.Restart();
        // Each stored as just taken: an old time would make every write an out-of-order arrival, which the writer
        // checks against all later audits of the camera (rectification), a different and rarer cost.
        for (int k = 0; k < storeWrites; k++) await store.SaveAsync(toWrite[k % toWrite.Count] with { TakenAt = DateTimeOffset.UtcNow }, ct);
        double storePerSecond = storeWrites / clock.Elapsed.TotalSeconds;
        double violationsPerAudit = toWrite.Average(r => r.Violations.Count);

        // The peer: the same model in OpenCV's DNN module, on exactly the tensors ObjectDetector prepared.
        var (opencv, opencvTopScoreGap) = OpenCvDnn(modelPath, detector, photos, passes, ct);

        var rawStats = Stats.Of(raw);
        var pipelineStats = Stats.Of(pipelineMs);
        var opencvStats = Stats.Of(opencv);
        // Other work on the machine slows every figure here; the load average says how quiet it was.
        Console.WriteLine($"model {detector.ModelId}{(args.Flag("spinning") ? " (ONNX Runtime threads spinning)" : "")}; {photos.Count} photos × {passes} run(s) after warm-up; {Environment.ProcessorCount} cores; " +
            $"load average {loadBefore} at the start, {LoadAverage()} at the end");
        if (notJudged.Count > 0) Console.WriteLine($"{notJudged.Count} audits not judged (failed or unreliable) are left out of raw_ms and pipeline_ms");
        Console.WriteLine($"raw_ms        {rawStats}   ONNX Runtime Run on a ready input");
        Console.WriteLine($"pipeline_ms   {pipelineStats}   JPEG bytes → decode → detect → score → stored in PostgreSQL");
        Console.WriteLine($"  audit_ms    {Stats.Of(auditMs)}   the same without the store");
        Console.WriteLine($"  detect_ms   {Stats.Of(detectMs)}   ObjectDetector.Detect on the decoded photo");
        Console.WriteLine($"  store_ms    {Stats.Of(storeMs)}   the store alone (new DbContext, AuditWriter.SaveAsync)");
        Console.WriteLine($"opencv_dnn_ms {opencvStats}   CvDnn.ReadNetFromOnnx, same input tensors (top score differs from ONNX Runtime by at most {F(opencvTopScoreGap, "0.0000")})");
        // On a shared machine medians move with the other work; the fastest runs are the least disturbed ones.
        Console.WriteLine($"least disturbed (ratio of the minimums): pipeline/raw {F(pipelineStats.Min / rawStats.Min, "0.00")}, " +
            $"opencv_dnn/raw {F(opencvStats.Min / rawStats.Min, "0.00")}");
        foreach (string line in skipLines) Console.WriteLine(line);
        Console.WriteLine($"audits_per_min {F(auditsPerMin, "0")}   {ConcurrentCameras} loops sharing one detector, {cameras.Count} cameras queued, audits {MemoryBaselineAudits}..{audits} ({statuses})");
        Console.WriteLine($"store_per_s   {F(storePerSecond, "0")}   {storeWrites} audits with {F(violationsPerAudit, "0.0")} violations each, one writer");
        Console.WriteLine($"rss_mb        after {MemoryBaselineAudits} audits: {memory100}; after {audits}: {memoryN}");
        Console.WriteLine(string.Join(' ',
            $"pipeline_over_raw={F(pipelineStats.Median / rawStats.Median, "0.00")}",
            $"raw_ms={F(rawStats.Median, "0.0")}",
            $"pipeline_ms={F(pipelineStats.Median, "0.0")}",
            $"opencv_dnn_over_raw={F(opencvStats.Median / rawStats.Median, "0.00")}",
            $"audits_per_min={F(auditsPerMin, "0")}",
            $"store_per_s={F(storePerSecond, "0")}",
            $"rss_mb_100={F(memory100.ResidentMb, "0")}",
            $"rss_mb_N={F(memoryN.ResidentMb, "0")}",
            $"N={audits}",
            $"model={Path.GetFileNameWithoutExtension(modelPath)}"));
        return 0;
    }

    private static async Task<(double AuditsPerMin, MemoryReading After100, MemoryReading AfterN, string Statuses)> ThroughputAsync(AuditPipeline pipeline, ThrowAwayStore store,
        List<(string Path, byte[] Bytes)> photos, List<CameraLayout> cameras, int audits, CancellationToken ct)
    {
        int next = -1, done = 0;
        MemoryReading memory100 = default;
        var sinceBaseline = new Stopwatch();
        var lastReport = Stopwatch.StartNew();
        var baselineTaken = new TaskCompletionSource();
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<AuditStatus, int>();

        async Task Loop()
        {
            int k;
            while ((k = Interlocked.Increment(ref next)) < audits)
            {
                ct.ThrowIfCancellationRequested();
                var camera = cameras[k % cameras.Count];
                var photo = photos[k / cameras.Count % photos.Count];
                var (_, result, _) = await store.AuditAsync(pipeline, Snap(photo, camera), camera, ct);
                statuses.AddOrUpdate(result.Status, 1, (_, n) => n + 1);
                int finished = Interlocked.Increment(ref done);
                if (finished == MemoryBaselineAudits)
                {
                    memory100 = MemoryReading.Take();
                    sinceBaseline.Start();
                    baselineTaken.SetResult();
                }
                if (lastReport.Elapsed.TotalSeconds >= 15 && Monitor.TryEnter(lastReport))
                {
                    try
                    {
                        lastReport.Restart();
                        Progress($"throughput and memory: {finished}/{audits} audits, rss {Environment.WorkingSet / 1e6:0} MB");
                    }
                    finally { Monitor.Exit(lastReport); }
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, ConcurrentCameras).Select(_ => Task.Run(Loop, ct)));
        await baselineTaken.Task;
        sinceBaseline.Stop();
        var memoryN = MemoryReading.Take();
        string counts = string.Join(", ", statuses.OrderBy(p => p.Key).Select(p => $"{p.Value} {p.Key.ToString().ToLowerInvariant()}"));
        return ((audits - MemoryBaselineAudits) / sinceBaseline.Elapsed.TotalMinutes, memory100, memoryN, counts);
    }

    /// <summary>
    /// What skipping unchanged frames saves, and whether it ever changes a verdict: the classroom CCTV frames of
    /// ../shared/testdata/desk in time order (one fixed camera, 5 s to minutes apart), watched by three made-up windows
    /// (zones over a student's seat and desk, over the lectern, over a desk row). Each frame is audited with skipping (as
    /// a burst frame or spot check is) and without; a skipped frame whose violations differ from the full run's counts
    /// as a disagreement. Then the same with each frame sent three times with fresh camera noise: a burst over a still scene.
    /// </summary>
    private static List<string> SkipUnchangedFigures(AuditPipeline pipeline, CancellationToken ct)
    {
        string folder = Path.Combine(ProjectPaths.Root, "..", "shared", "testdata", "desk", "images");
        if (!Directory.Exists(folder)) return [$"skip_unchanged: {folder} not found, not measured"];
        var frames = Directory.EnumerateFiles(folder, "*.jpg")
            .OrderBy(f => int.Parse(new string(Path.GetFileName(f).TakeWhile(char.IsAsciiDigit).DefaultIfEmpty('0').ToArray()), CultureInfo.InvariantCulture))
            .Select(File.ReadAllBytes).ToList();
        var still = frames.SelectMany(f => Enumerable.Range(1, 3).Select(seed => StillScene.Frame(f, seed))).ToList();
        var windows = new (string Name, string Zones)[]
        {
            ("student", "[{ name: seat, kind: seat, polygon: [[0.40, 0.38], [0.57, 0.38], [0.57, 0.62], [0.40, 0.62]] }, { name: desk, kind: desk, polygon: [[0.31, 0.55], [0.57, 0.55], [0.57, 0.75], [0.31, 0.75]] }]"),
            ("lectern", "[{ name: desk, kind: desk, polygon: [[0.45, 0.78], [0.85, 0.78], [0.85, 1.0], [0.45, 1.0]] }]"),
            ("row", "[{ name: seat, kind: seat, polygon: [[0.57, 0.25], [0.93, 0.25], [0.93, 0.45], [0.57, 0.45]] }, { name: desk, kind: desk, polygon: [[0.57, 0.35], [0.93, 0.35], [0.93, 0.55], [0.57, 0.55]] }]"),
        };
        var lines = new List<string>();
        var clock = new Stopwatch();
        foreach (var (sequence, snaps) in new[] { ("real sequence", frames), ("still bursts", still) })
            foreach (var (name, zones) in windows)
            {
                var camera = CameraFile.Parse($"bench-{name}.yaml", $"camera: bench-{name}\nsite: bench\nwindow: {name}\nzones: {zones}\n");
                var always = camera with { Unchanged = camera.Unchanged with { Enabled = false } };
                SeenBefore? seen = null;
                string seenVerdict = "";
                int skipped = 0, disagree = 0, flicker = 0;
                double withSkip = 0, without = 0;
                for (int i = 0; i < snaps.Count; i++)
                {
                    ct.ThrowIfCancellationRequested();
                    var snap = new Snapshot(camera.CameraKey, DateTimeOffset.UtcNow, snaps[i], "bench");
                    clock.Restart();
                    var r = pipeline.Run(snap, camera, [], seen);
                    withSkip += clock.Elapsed.TotalMilliseconds;
                    clock.Restart();
                    var full = pipeline.Run(snap, always);
                    without += clock.Elapsed.TotalMilliseconds;
                    static string Verdict(AuditResult a) => string.Join(',', a.Violations.Select(v => $"{v.ClauseId}@{v.ZoneName}").Order());
                    if (r.DetectionsReusedFrom is null)
                    {
                        if (r.ZoneSignature is not null) seen = new SeenBefore(i, r.ZoneSignature, r.Detections.Where(d => d.ClassId >= 0).ToList());
                        seenVerdict = Verdict(full);
                        continue;
                    }
                    skipped++;
                    if (Verdict(r) != Verdict(full)) disagree++;
                    // The model's own flicker: its full run here against its full run on the frame the detections came from.
                    if (Verdict(full) != seenVerdict) flicker++;
                }
                lines.Add($"skip_unchanged {sequence,-13} window {name,-7} {snaps.Count,3} frames, {skipped,3} skipped; " +
                    $"ms/frame {F(withSkip / snaps.Count, "0.0")} with skipping vs {F(without / snaps.Count, "0.0")} without " +
                    $"(×{F(without / withSkip, "0.00")}); skipped frames whose violations differ from a full run: {disagree} " +
                    $"(full runs that differ from the full run of the frame reused: {flicker})");
                Progress(lines[^1]);
            }
        return lines;
    }

    private static (List<double> Ms, double TopScoreGap) OpenCvDnn(string modelPath, ObjectDetector detector,
        List<(string Path, byte[] Bytes)> photos, int passes, CancellationToken ct)
    {
        // Inputs and the ONNX Runtime top score per photo first, so no ONNX Runtime thread is busy while OpenCV runs.
        var inputs = new List<(float[] Input, float TopScore)>();
        foreach (var photo in photos)
        {
            using var image = SnapshotImage.Decode(photo.Bytes);
            var found = detector.Detect(image, 0.001f);
            inputs.Add((detector.CopyInput(), found.Count > 0 ? found.Max(d => d.Confidence) : 0));
        }
        var (width, height) = detector.InputSize;
        using var net = CvDnn.ReadNetFromOnnx(modelPath) ?? throw new ModelLoadException($"OpenCV DNN could not read '{modelPath}'");
        net.SetPreferableBackend(Backend.OPENCV);
        net.SetPreferableTarget(Target.CPU);
        using var blob = new Mat([1, 3, height, width], MatType.CV_32FC1);

        double gap = 0;
        for (int i = 0; i < Math.Min(3, inputs.Count); i++) Forward(net, blob, inputs[i].Input).Dispose(); // warm-up
        var ms = new List<double>();
        var clock = new Stopwatch();
        for (int pass = 0; pass < passes; pass++)
            for (int i = 0; i < inputs.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                Marshal.Copy(inputs[i].Input, 0, blob.Data, inputs[i].Input.Length);
                clock.Restart();
                net.SetInput(blob);
                using var output = net.Forward();
                ms.Add(clock.Elapsed.TotalMilliseconds);
                // Same model, same tensor: the best class score must agree, or the comparison times something else.
                if (pass == 0) gap = Math.Max(gap, Math.Abs(TopClassScore(output, detector.Labels.Count) - inputs[i].TopScore));
                if ((i + 1) % 10 == 0) Progress($"opencv dnn: pass {pass + 1}/{passes}, {i + 1}/{inputs.Count} photos");
            }
        return (ms, gap);
    }

    private static Mat Forward(Net net, Mat blob, float[] input)
    {
        Marshal.Copy(input, 0, blob.Data, input.Length);
        net.SetInput(blob);
        return net.Forward();
    }

    /// <summary>Highest class score of a [1, 4+C, N] output (the shipped YOLOv8 layout); NaN for other layouts.</summary>
    private static float TopClassScore(Mat output, int classes)
    {
        if (output.Dims != 3 || output.Size(1) != 4 + classes) return float.NaN;
        using var rows = output.Reshape(1, 4 + classes);
        using var scores = rows.RowRange(4, 4 + classes);
        scores.MinMaxLoc(out double _, out double max);
        return (float)max;
    }

    private static Snapshot Snap((string Path, byte[] Bytes) photo, CameraLayout camera) =>
        new(camera.CameraKey, DateTimeOffset.UtcNow, photo.Bytes, photo.Path);

    /// <summary>
    /// Resident memory after a full collection, so it is what the process keeps, not garbage not yet collected; with the
    /// live managed heap and what the GC holds committed, to tell a leak (live heap grows) from a GC that keeps more room.
    /// </summary>
    private readonly record struct MemoryReading(double ResidentMb, double ManagedMb, double GcCommittedMb)
    {
        public static MemoryReading Take()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            using var self = Process.GetCurrentProcess();
            return new MemoryReading(self.WorkingSet64 / 1e6, GC.GetTotalMemory(false) / 1e6, GC.GetGCMemoryInfo().TotalCommittedBytes / 1e6);
        }

        public override string ToString() =>
            $"resident {F(ResidentMb, "0")} MB (live managed {F(ManagedMb, "0.0")} MB, GC committed {F(GcCommittedMb, "0")} MB)";
    }

    /// <summary>The 1, 5 and 15 minute load averages, or "?" where /proc is not there.</summary>
    internal static string LoadAverage()
    {
        try { return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "?"; }
    }

    private static void Progress(string message) => Console.Error.WriteLine($"[bench] {message}");

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>A throw-away database with the demo cameras and the standard in it, storing audits as the camera jobs do.</summary>
    private sealed class ThrowAwayStore : IAsyncDisposable
    {
        private readonly ThrowAwayDatabase _database;
        private readonly Microsoft.EntityFrameworkCore.DbContextOptions<DeskVisionDb> _options;
        private readonly Dictionary<string, int> _cameraIds = [];
        private int _standardId;

        public string Name => _database.Name;

        private ThrowAwayStore(ThrowAwayDatabase database)
        {
            _database = database;
            _options = DeskVisionDb.Options(database.ConnectionString);
        }

        public static async Task<ThrowAwayStore> CreateAsync(string server, List<CameraLayout> cameras, Standard standard, CancellationToken ct)
        {
            var store = new ThrowAwayStore(await ThrowAwayDatabase.CreateAsync(server, "deskvision_bench", keep: false, ct));
            try
            {
                await using var db = await Database.OpenAsync(store._database.ConnectionString, ct);
                var writer = new AuditWriter(db);
                foreach (var camera in cameras) store._cameraIds[camera.CameraKey] = await writer.EnsureCameraAsync(camera, ct);
                store._standardId = await writer.EnsureStandardAsync(standard, ct);
            }
            catch
            {
                await store.DisposeAsync();
                throw;
            }
            return store;
        }

        /// <summary>One audit run and stored as a job stores it (<see cref="Auditor"/>), in a fresh DbContext (a job's scope); no evidence picture kept.</summary>
        public async Task<StoredAudit> AuditAsync(AuditPipeline pipeline, Snapshot snapshot, CameraLayout camera, CancellationToken ct)
        {
            await using var db = new DeskVisionDb(_options);
            return await new Auditor(pipeline, new AuditWriter(db), evidence: null)
                .RunAsync(new AuditRun(snapshot, camera, _cameraIds[camera.CameraKey], null, _standardId), ct);
        }

        /// <summary>A result stored alone, as the writer stores it: a fresh DbContext and AuditWriter.</summary>
        public async Task SaveAsync(AuditResult result, CancellationToken ct)
        {
            await using var db = new DeskVisionDb(_options);
            await new AuditWriter(db).SaveAsync(result, _cameraIds[result.CameraKey], _standardId, "bench", null, null, ct);
        }

        public async ValueTask DisposeAsync()
        {
            await _database.DisposeAsync();
            Progress($"dropped {Name}");
        }
    }
}
