using System.Text.Json;
using DeskVision.Detectors;
using DeskVision.Scoring;
using DeskVision.Store;

namespace DeskVision.Web.Cli;

/// <summary><c>deskvision audit IMAGE... --camera CONFIG.yaml [--json] [--store] [--model ...] [--standard FILE]</c></summary>
public static class AuditCommand
{
    public static async Task<int> RunAsync(CommandArgs args, CancellationToken ct)
    {
        if (args.Positional.Count == 0) throw new UsageException("audit: give one or more image files");
        string cameraFile = args.Get("camera") ?? throw new UsageException("audit: --camera CONFIG.yaml is required");
        var camera = CameraFile.Load(cameraFile);
        using var detector = new ObjectDetector(new DetectorOptions { ModelPath = ModelFile.Resolve(args.Get("model"), ProjectPaths.Models) });
        var standard = StandardFile.Load(args.Get("standard") ?? AppSettings.DefaultStandardFile, detector.Labels);
        var pipeline = new AuditPipeline(detector, standard);

        DeskVisionDb? db = null;
        Auditor? auditor = null;
        int cameraId = 0, standardId = 0;
        if (args.Flag("store"))
        {
            db = await Database.OpenAsync(AppSettings.ConnectionString(), ct);
            var writer = new AuditWriter(db);
            cameraId = await writer.EnsureCameraAsync(camera, ct);
            standardId = await writer.EnsureStandardAsync(standard, ct);
            auditor = new Auditor(pipeline, writer, new EvidenceFolder(AppSettings.EvidenceRoot));
        }
        var outputs = new List<object>();
        int failed = 0;
        foreach (string path in args.Positional)
        {
            byte[] bytes;
            try { bytes = await File.ReadAllBytesAsync(path, ct); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { bytes = []; Console.Error.WriteLine($"{path}: {e.Message}"); }
            var snapshot = new Snapshot(camera.CameraKey, DateTimeOffset.UtcNow, bytes, Path.GetFullPath(path));
            long? id = null;
            AuditResult result;
            if (auditor is null) result = pipeline.Run(snapshot, camera);
            else (id, result, _) = await auditor.RunAsync(new AuditRun(snapshot, camera, cameraId, null, standardId), ct);
            if (result.Status == AuditStatus.Failed) failed++;
            if (args.Flag("json")) outputs.Add(ToJson(path, result, id));
            else Print(path, result, id, standard);
        }
        if (args.Flag("json")) Console.WriteLine(JsonSerializer.Serialize(outputs));
        if (db is not null) await db.DisposeAsync();
        return failed == 0 ? 0 : 1;
    }

    private static object ToJson(string path, AuditResult r, long? id) => new
    {
        image = path, auditId = id, camera = r.CameraKey, status = r.Status.ToString().ToLowerInvariant(), reason = r.FailureReason,
        width = r.ImageWidth, height = r.ImageHeight, score = r.Score, model = r.ModelId, standard = r.StandardVersion,
        violations = r.Violations.Select(v => new { clause = v.ClauseId, zone = v.ZoneName, points = v.Points, reason = v.Reason, box = v.Evidence.ToArray().Select(x => Math.Round(x, 1)) }),
        detections = r.Detections.Select(d => new { label = d.Label, classId = d.ClassId, confidence = Math.Round(d.Confidence, 4), box = d.Box.ToArray().Select(x => Math.Round(x, 1)) }),
    };

    private static void Print(string path, AuditResult r, long? id, Standard standard)
    {
        string stored = id is null ? "" : $" (stored as audit {id})";
        if (r.Status != AuditStatus.Ok)
        {
            Console.WriteLine($"{path}: {r.Status.ToString().ToUpperInvariant()}: {r.FailureReason}{stored}");
            return;
        }
        Console.WriteLine($"{path}: score {r.Score:0.#} / 100, {r.Violations.Count} violation(s), {r.Detections.Count} detection(s){stored}");
        foreach (var v in r.Violations)
        {
            var clause = standard.Find(v.ClauseId);
            Console.WriteLine($"  -{v.Points:0.#}  {v.ClauseId} {clause?.TitleZh}: {v.Reason}");
        }
    }
}
