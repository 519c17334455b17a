using System.Diagnostics;
using DeskVision.Detectors;
using DeskVision.Ingest;

namespace DeskVision.Web.Cli;

/// <summary><c>deskvision eval --images DIR --labels DIR [--model n|s|m|PATH] [--min-confidence X] [--operating X] [--tiled [--grid N]] [--cascade s|m|PATH]</c>,
/// (<c>eval --scenarios</c>, the reference checks on the scenario set, is in deskvision-tools).</summary>
public static class EvalCommand
{
    public static int Run(CommandArgs args)
    {
        if (args.Flag("scenarios")) throw new UsageException("eval --scenarios is a tool: run it as ./deskvision eval --scenarios (deskvision-tools)");
        bool tiled = args.Flag("tiled");
        int grid = args.GetInt("grid") ?? 2;
        string images = args.Get("images") ?? throw new UsageException("eval: --images DIR is required");
        string labels = args.Get("labels") ?? throw new UsageException("eval: --labels DIR is required");
        if (!Directory.Exists(images)) throw new UsageException($"eval: images folder '{images}' not found");
        if (!Directory.Exists(labels)) throw new UsageException($"eval: labels folder '{labels}' not found");
        float rankThreshold = args.GetFloat("min-confidence") ?? 0.001f;
        float operating = args.GetFloat("operating") ?? 0.25f;

        using var detector = new ObjectDetector(new DetectorOptions { ModelPath = ModelFile.Resolve(args.Get("model"), ProjectPaths.Models) });
        // --cascade: the model above on every image, this stronger one only where it is unsure (see Cascade).
        using var strong = args.Get("cascade") is { } second ? new ObjectDetector(new DetectorOptions { ModelPath = ModelFile.Resolve(second, ProjectPaths.Models) }) : null;
        var cascade = strong is null ? null : new Cascade(detector, strong, DetectionEval.DeskClasses);
        int escalated = 0;
        var eval = new DetectionEval(DetectionEval.DeskClasses, operating);
        var files = Directory.EnumerateFiles(images).Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase)
            || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".png", StringComparison.OrdinalIgnoreCase)).Order().ToList();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < files.Count; i++)
        {
            string labelFile = Path.Combine(labels, Path.GetFileNameWithoutExtension(files[i]) + ".txt");
            using var image = SnapshotImage.Decode(File.ReadAllBytes(files[i]));
            var truth = File.Exists(labelFile) ? DetectionEval.ReadYoloLabels(labelFile, image.Width, image.Height) : [];
            if (cascade is not null)
            {
                var (found, passedOn) = cascade.Detect(image, rankThreshold);
                if (passedOn) escalated++;
                eval.Add(found, truth);
            }
            else eval.Add(tiled ? TiledDetection.Detect(detector, image, rankThreshold, grid) : detector.Detect(image, rankThreshold), truth);
            if ((i + 1) % 10 == 0 || i + 1 == files.Count)
                Console.Error.Write($"\r[eval] {i + 1}/{files.Count} images, {clock.Elapsed.TotalSeconds:0.0} s");
        }
        Console.Error.WriteLine();
        var report = eval.Report(detector.Labels);
        Console.WriteLine($"model {cascade?.ModelId ?? detector.ModelId}{(tiled ? $", tiled {grid}×{grid} + full frame" : "")}" +
            $"{(cascade is null ? "" : $", {escalated} of {files.Count} images passed on to the stronger model")}; ranked at confidence ≥ {rankThreshold}; precision/recall at ≥ {operating}");
        Console.WriteLine($"{"class",-14} {"gt",5} {"dets",5} {"P",6} {"R",6} {"AP50",6}");
        foreach (var c in report.Classes)
            Console.WriteLine($"{c.Label,-14} {c.GroundTruth,5} {c.Detections,5} {c.Precision,6:0.000} {c.Recall,6:0.000} {c.AP50,6:0.000}");
        Console.WriteLine($"ms_per_image={clock.Elapsed.TotalMilliseconds / Math.Max(1, files.Count):0.0}");
        Console.WriteLine($"mAP50={report.MeanAP50:0.000} classes={report.Classes.Count} images={report.Images}");
        return 0;
    }
}
