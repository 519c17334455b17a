using DeskVision.Audits;
using System.Diagnostics;
using System.Globalization;
using DeskVision.Detectors;
using DeskVision.Training;
using OpenCvSharp;

namespace DeskVision.Tools;

/// <summary>
/// <c>deskvision bench-train [--base n,s] [--sets office,desk] [--split cameras|frames] [--folds 3] [--only-fold I] [--epochs N] [--batch N] [--freeze N] [--lr X] [--out DIR] [--reuse]</c>:
/// stock against trained accuracy by cross-validation on the shared sets that look like a site's cameras, never on a
/// frame trained on. <c>--split cameras</c> (the default) puts each fold's test frames aside by whole camera/scene
/// groups (<see cref="TrainValSplit"/>): how a model does on a camera it never saw. <c>--split frames</c> deals every
/// camera's frames over the folds, so the test frames are other frames of cameras trained on: what a site sees once
/// its own cameras are labelled, and how issue 14's targets are measured (on other frames of the same cameras).
/// <c>train</c> runs on the rest exactly as a site would (no validation set: it holds out its own part to pick the
/// epoch), and the written model is scored on the put-aside frames. Also: seconds per epoch, total time, peak memory,
/// and, for office models, the AP of the classes office does not label on coco/ and val/ (forgetting). <c>--reuse</c>
/// scores a fold's model left in --out by an earlier run instead of training it again.
/// </summary>
public static class BenchTrainCommand
{
    /// <summary>The desk classes the office set does not label: their AP must survive training on it.</summary>
    private static readonly int[] Office = [0, 56, 62, 63, 66, 67];

    public static int Run(CommandArgs args, CancellationToken cancel)
    {
        var bases = (args.Get("base") ?? "n,s").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var sets = (args.Get("sets") ?? "office,desk").Split(',', StringSplitOptions.RemoveEmptyEntries);
        int folds = args.GetInt("folds") ?? 3, seed = args.GetInt("seed") ?? 1;
        int? onlyFold = args.GetInt("only-fold");
        string outDir = Path.GetFullPath(args.Get("out") ?? Path.Combine(Path.GetTempPath(), "deskvision-bench-train"));
        string shared = Path.GetFullPath(Path.Combine(ProjectPaths.Root, "..", "shared", "testdata"));
        Directory.CreateDirectory(outDir);
        Console.WriteLine($"bench-train: bases {string.Join(",", bases)}, sets {string.Join(",", sets)}, {folds} folds (seed {seed}), " +
            $"{Environment.ProcessorCount} cores, epochs {args.GetInt("epochs")?.ToString() ?? "default"}, models in {outDir}");

        foreach (string set in sets)
        {
            var (data, names) = set switch
            {
                "office" => (Load(Path.Combine(shared, "office", "images"), Path.Combine(shared, "office", "labels-coco"), null), (string?)null),
                "desk" => DeskPhoneSet(shared, outDir),
                _ => throw new UsageException($"bench-train: unknown set '{set}' (office, desk)"),
            };
            var plan = (args.Get("split") ?? "cameras") switch
            {
                "cameras" => TrainValSplit.Folds(data.Images, folds, seed),
                "frames" => FrameFolds(data.Images, folds, seed),
                var other => throw new UsageException($"bench-train: --split {other}: expected cameras or frames"),
            };
            Console.WriteLine($"\n== {set}: {data.Images.Count} frames, {plan.Groups} camera/scene groups; folds {string.Join("/", plan.Folds.Select(f => f.Count))}: {plan.Method}");
            foreach (string tier in bases)
            {
                var rows = new List<FoldResult>();
                var lasts = new List<FoldResult>();
                for (int f = 0; f < plan.Folds.Count; f++)
                {
                    if (onlyFold is int only && only != f) continue;
                    if (cancel.IsCancellationRequested) return 1;
                    rows.Add(RunFold(set, tier, f, plan, names, outDir, args, cancel));
                    Console.WriteLine(rows[^1].Line);
                    // The last epoch's weights too (the trainer leaves them in its work folder): whether choosing the
                    // epoch on the trainer's few held-out frames beats simply keeping the end of the schedule.
                    string last = rows[^1].ModelPath + ".train/val.onnx";
                    if (File.Exists(last)) lasts.Add(Score(set, tier, f, [], plan.Folds[f], last, $"{set} {tier} fold {f}, last epoch instead of the best", 0, 0, 0));
                    if (lasts.Count > 0 && lasts[^1].ModelPath == last) Console.WriteLine(lasts[^1].Line);
                }
                if (rows.Count == 0) continue;
                Console.WriteLine($"{set} {tier}: over {rows.Count} folds ({rows.Sum(r => r.TestImages)} test frames): " +
                    $"{rows[0].Metric} stock {rows.Average(r => r.Stock):0.000} -> trained {rows.Average(r => r.Trained):0.000}" +
                    (set == "office" ? $"; cell phone AP50 stock {rows.Average(r => r.StockPhone):0.000} -> trained {rows.Average(r => r.TrainedPhone):0.000}" : "") +
                    $"; {rows.Average(r => r.SecondsPerEpoch):0.0} s/epoch, {rows.Average(r => r.Seconds) / 60:0.0} min per run, peak {rows.Max(r => r.PeakMb):0} MB");
                if (lasts.Count == rows.Count)
                    Console.WriteLine($"{set} {tier}, last epoch instead of the best: {lasts[0].Metric} trained {lasts.Average(r => r.Trained):0.000}" +
                        (set == "office" ? $"; cell phone AP50 {lasts.Average(r => r.TrainedPhone):0.000}" : ""));
                if (set == "office") Forgetting(tier, rows[0].ModelPath, shared);
            }
        }
        return 0;
    }

    /// <summary>Each camera/scene group's frames, shuffled, dealt over the folds in turn: every fold tests other frames of
    /// cameras the rest trains on.</summary>
    private static SplitPlan FrameFolds(IReadOnlyList<LabelledImage> images, int k, int seed)
    {
        var random = new Random(seed);
        var folds = Enumerable.Range(0, k).Select(_ => new List<LabelledImage>()).ToList();
        var groups = TrainValSplit.Groups(images);
        int next = 0;
        foreach (var group in groups)
            foreach (var image in group.OrderBy(_ => random.Next()))
                folds[next++ % k].Add(image);
        return new SplitPlan([.. folds.Where(f => f.Count > 0)], groups.Count,
            $"{groups.Count} camera/scene groups, each dealt over the folds: test frames are other frames of cameras trained on");
    }

    private sealed record FoldResult(string Line, string Metric, double Stock, double Trained, double StockPhone, double TrainedPhone,
        int TestImages, double SecondsPerEpoch, double Seconds, double PeakMb, string ModelPath);

    private static FoldResult RunFold(string set, string tier, int fold, SplitPlan plan, string? names, string outDir, CommandArgs args, CancellationToken cancel)
    {
        var test = plan.Folds[fold];
        var train = plan.TrainFor(test);
        string work = Path.Combine(outDir, $"{set}-{tier}-fold{fold}");
        string model = Path.Combine(work, $"{set}-{tier}-fold{fold}.onnx");
        if (args.Flag("reuse") && File.Exists(model)) return Score(set, tier, fold, train, test, model, $"{set} {tier} fold {fold}: model of an earlier run rescored", 0, 0, 0);
        if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        var (images, labels) = LinkSet(train, Path.Combine(work, "train"));

        ResetPeakMemory();
        var clock = Stopwatch.StartNew();
        var result = Trainer.Run(new TrainOptions
        {
            Images = images, Labels = labels, Base = tier, ModelsFolder = ProjectPaths.Models, Out = model, NamesFile = names,
            Epochs = args.GetInt("epochs"), Batch = args.GetInt("batch"), Freeze = args.GetInt("freeze"), LearningRate = args.GetFloat("lr"), Seed = args.GetInt("seed") ?? 1,
        }, new Progress<TrainProgress>(p => { if (p.Step == p.Steps || p.Note is not null) Console.Error.WriteLine($"  [{set} {tier} fold {fold}] epoch {p.Epoch}/{p.Epochs} box {p.Loss.Box:0.00} cls {p.Loss.Cls:0.00} dfl {p.Loss.Dfl:0.00} val mAP50 {p.ValMap50:0.000} {p.Note}"); }), cancel);
        double seconds = clock.Elapsed.TotalSeconds, peakMb = PeakMemoryMb();
        string head = $"{set} {tier} fold {fold}: train {train.Count} (of which the trainer held out {result.ValImages}), test {test.Count}; " +
            $"best epoch {result.BestEpoch}/{result.EpochsRun}; {result.SecondsPerEpoch:0.0} s/epoch, {seconds / 60:0.0} min, peak {peakMb:0} MB";
        return Score(set, tier, fold, train, test, model, head, result.SecondsPerEpoch, seconds, peakMb);
    }

    private static FoldResult Score(string set, string tier, int fold, IReadOnlyList<LabelledImage> train, IReadOnlyList<LabelledImage> test,
        string model, string head, double secondsPerEpoch, double seconds, double peakMb)
    {
        // Every candidate of the class kept (not the 300 best of all classes), so a frame's best score of one class is its own.
        using var stock = new ObjectDetector(new DetectorOptions { ModelPath = ModelFile.Resolve(tier, ProjectPaths.Models), MaxDetections = 30_000 });
        using var trained = new ObjectDetector(new DetectorOptions { ModelPath = model, MaxDetections = 30_000 });
        if (set == "office")
        {
            var classes = Office.ToHashSet();
            var s = Trainer.Evaluate(stock, test, classes);
            var t = Trainer.Evaluate(trained, test, classes);
            double Phone(EvalReport r) => r.Classes.FirstOrDefault(c => c.ClassId == 67)?.AP50 ?? double.NaN;
            string perClass = string.Join(", ", t.Classes.Select(c => $"{c.Label} {s.Classes.First(x => x.ClassId == c.ClassId).AP50:0.00}->{c.AP50:0.00}"));
            return new FoldResult($"{head}\n  mAP50 over the labelled classes: stock {s.MeanAP50:0.000} -> trained {t.MeanAP50:0.000} ({perClass})",
                "mAP50", s.MeanAP50, t.MeanAP50, Phone(s), Phone(t), test.Count, secondsPerEpoch, seconds, peakMb, model);
        }
        int phoneInUse = trained.Labels.ToList().IndexOf("phone-in-use");
        double stockAp = ImageAp(stock, test, d => d.Label == "cell phone");
        double trainedAp = ImageAp(trained, test, d => d.ClassId == phoneInUse);
        int positives = test.Count(i => i.Boxes.Count > 0);
        return new FoldResult($"{head}\n  image AP 'phone in use' ({positives} of {test.Count} frames): stock (best cell-phone score) {stockAp:0.000} -> trained (best phone-in-use score) {trainedAp:0.000}",
            "image AP", stockAp, trainedAp, 0, 0, test.Count, secondsPerEpoch, seconds, peakMb, model);
    }

    /// <summary>Frames ranked by their best score of the class; AP = mean precision at each frame that has the label.</summary>
    public static double ImageAp(ObjectDetector detector, IReadOnlyList<LabelledImage> images, Func<Detection, bool> isClass)
    {
        var ranked = images.Select(i =>
        {
            using var bgr = Cv2.ImRead(i.ImagePath, ImreadModes.Color);
            float best = detector.Detect(bgr, 0.001f).Where(isClass).Select(d => d.Confidence).DefaultIfEmpty(0).Max();
            return (Score: best, Positive: i.Boxes.Count > 0);
        }).OrderByDescending(r => r.Score).ThenBy(r => r.Positive).ToList(); // ties: frames without the label first (no credit for a tie)
        int positives = ranked.Count(r => r.Positive), hits = 0;
        if (positives == 0) return double.NaN;
        double sum = 0;
        for (int k = 0; k < ranked.Count; k++)
            if (ranked[k].Positive) sum += (double)++hits / (k + 1);
        return sum / positives;
    }

    /// <summary>AP of the desk classes office does not label, stock against trained, on coco/ and val/.</summary>
    private static void Forgetting(string tier, string model, string shared)
    {
        var classes = DetectionEval.DeskClasses.Except(Office).ToHashSet();
        using var stock = new ObjectDetector(new DetectorOptions { ModelPath = ModelFile.Resolve(tier, ProjectPaths.Models) });
        using var trained = new ObjectDetector(new DetectorOptions { ModelPath = model });
        foreach (string set in new[] { "coco", "val" })
        {
            var images = Load(Path.Combine(shared, set, "images"), Path.Combine(shared, set, "labels"), null).Images;
            var s = Trainer.Evaluate(stock, images, classes);
            var t = Trainer.Evaluate(trained, images, classes);
            var drops = t.Classes.Select(c => (c.Label, Drop: s.Classes.First(x => x.ClassId == c.ClassId).AP50 - c.AP50)).ToList();
            var worst = drops.MaxBy(d => d.Drop);
            Console.WriteLine($"forgetting {tier} ({Path.GetFileName(model)}) on {set}/ ({images.Count} images, {s.Classes.Count} classes office does not label): " +
                $"mAP50 stock {s.MeanAP50:0.000} -> trained {t.MeanAP50:0.000} (drop {s.MeanAP50 - t.MeanAP50:0.000}); largest class drop {worst.Label} {worst.Drop:0.000}");
        }
    }

    private static TrainingSet Load(string images, string labels, string? names) =>
        YoloDataset.Load(images, labels, File.ReadAllLines(Path.Combine(ProjectPaths.Root, "..", "shared", "testdata", "coco", "classes.txt")).Where(l => l.Length > 0).ToList(), names);

    /// <summary>desk/ with only its "phone" head boxes (class 2), renumbered 0 and named phone-in-use.</summary>
    private static (TrainingSet, string?) DeskPhoneSet(string shared, string outDir)
    {
        string root = Path.Combine(outDir, "desk-phone-in-use");
        string labels = Path.Combine(root, "labels");
        Directory.CreateDirectory(labels);
        foreach (string file in Directory.GetFiles(Path.Combine(shared, "desk", "labels"), "*.txt"))
            File.WriteAllLines(Path.Combine(labels, Path.GetFileName(file)),
                File.ReadLines(file).Where(l => l.StartsWith("2 ", StringComparison.Ordinal)).Select(l => "0" + l[1..]));
        string names = Path.Combine(root, "names.txt");
        File.WriteAllText(names, "phone-in-use\n");
        return (Load(Path.Combine(shared, "desk", "images"), labels, names), names);
    }

    /// <summary>A folder pair of links to the chosen frames and their labels, as a site would point <c>train</c> at.</summary>
    private static (string Images, string Labels) LinkSet(IReadOnlyList<LabelledImage> images, string root)
    {
        string imageDir = Directory.CreateDirectory(Path.Combine(root, "images")).FullName;
        string labelDir = Directory.CreateDirectory(Path.Combine(root, "labels")).FullName;
        foreach (var image in images)
        {
            File.CreateSymbolicLink(Path.Combine(imageDir, Path.GetFileName(image.ImagePath)), image.ImagePath);
            if (image.LabelPath is not null) File.CreateSymbolicLink(Path.Combine(labelDir, Path.GetFileName(image.LabelPath)), image.LabelPath);
        }
        return (imageDir, labelDir);
    }

    /// <summary>Linux keeps the process's peak resident memory; writing 5 to clear_refs starts it again from now.</summary>
    private static void ResetPeakMemory()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static double PeakMemoryMb()
    {
        try
        {
            string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null) return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException) { }
        return Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;
    }
}
