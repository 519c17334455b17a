using System.Text.Json;
using DeskVision.Detectors;
using DeskVision.Scoring;
using DeskVision.Store;

namespace DeskVision.Web.Cli;

/// <summary><c>deskvision audit IMAGE... --camera CONFIG.yaml [--json] [--store] [--draw DIR] [--model ...] [--standard FILE]</c>;
/// <c>--draw</c> writes each picture with the camera's zones (blue) and the violations (red) into DIR, to check a camera
/// file's zones by eye.</summary>
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
            if (args.Get("draw") is { } drawTo && bytes.Length > 0) Draw(bytes, camera, result, Path.Combine(drawTo, Path.GetFileNameWithoutExtension(path) + ".jpg"));
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

    private static void Draw(byte[] bytes, CameraLayout camera, AuditResult r, string file)
    {
        using var image = OpenCvSharp.Cv2.ImDecode(bytes, OpenCvSharp.ImreadModes.Color);
        if (image.Empty()) return;
        var blue = new OpenCvSharp.Scalar(255, 120, 0);
        var red = new OpenCvSharp.Scalar(0, 0, 255);
        foreach (var zone in camera.Zones)
        {
            var points = zone.Polygon.Select(p => new OpenCvSharp.Point(p.X * image.Width, p.Y * image.Height)).ToArray();
            OpenCvSharp.Cv2.Polylines(image, [points], true, blue, 2);
            OpenCvSharp.Cv2.PutText(image, zone.Name, points[0] + new OpenCvSharp.Point(4, 16), OpenCvSharp.HersheyFonts.HersheySimplex, 0.5, blue, 1);
        }
        foreach (var v in r.Violations)
        {
            var b = v.Evidence;
            OpenCvSharp.Cv2.Rectangle(image, new OpenCvSharp.Point(b.X1, b.Y1), new OpenCvSharp.Point(b.X2, b.Y2), red, 2);
            OpenCvSharp.Cv2.PutText(image, v.ClauseId, new OpenCvSharp.Point(b.X1, Math.Max(12, b.Y1 - 4)), OpenCvSharp.HersheyFonts.HersheySimplex, 0.45, red, 1);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        OpenCvSharp.Cv2.ImWrite(file, image);
    }

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
