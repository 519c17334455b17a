using System.Text.Json;
using DeskVision.Detectors;
using DeskVision.Ingest;

namespace DeskVision.Web.Cli;

/// <summary><c>deskvision detect IMAGE... [--json] [--min-confidence X] [--model n|s|m|PATH] [--tiled [--grid N]]</c>: with
/// <c>--tiled</c>, the full frame and N×N overlapping tiles merged by NMS, for small objects on large frames.</summary>
public static class DetectCommand
{
    public static int Run(CommandArgs args)
    {
        if (args.Positional.Count == 0) throw new UsageException("detect: give one or more image files");
        using var detector = new ObjectDetector(new DetectorOptions { ModelPath = ModelFile.Resolve(args.Get("model"), ProjectPaths.Models) });
        float? minConfidence = args.GetFloat("min-confidence");
        bool json = args.Flag("json");
        bool tiled = args.Flag("tiled");
        int grid = args.GetInt("grid") ?? 2;
        var results = new List<object>();
        int failures = 0;
        foreach (string path in args.Positional)
        {
            try
            {
                using var image = SnapshotImage.Decode(File.ReadAllBytes(path));
                var detections = tiled ? TiledDetection.Detect(detector, image, minConfidence, grid) : detector.Detect(image, minConfidence);
                if (json)
                    results.Add(new
                    {
                        image = path, width = image.Width, height = image.Height,
                        detections = detections.Select(d => new { label = d.Label, classId = d.ClassId, confidence = Math.Round(d.Confidence, 4), box = d.Box.ToArray().Select(v => Math.Round(v, 1)) }),
                    });
                else
                {
                    Console.WriteLine($"{path}: {image.Width}×{image.Height}, {detections.Count} detections ({detector.ModelId})");
                    foreach (var d in detections)
                        Console.WriteLine($"  {d.Label,-14} {d.Confidence:0.00}  [{d.Box.X1:0},{d.Box.Y1:0},{d.Box.X2:0},{d.Box.Y2:0}]");
                }
            }
            catch (Exception e) when (e is BadSnapshotException or IOException or UnauthorizedAccessException)
            {
                failures++;
                if (json) results.Add(new { image = path, error = e.Message });
                else Console.Error.WriteLine($"{path}: {e.Message}");
            }
        }
        if (json) Console.WriteLine(JsonSerializer.Serialize(results));
        return failures == 0 ? 0 : 1;
    }
}
