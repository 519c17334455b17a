using DeskVision.Audits;
using System.Text.RegularExpressions;
using DeskVision.Detectors;
using DeskVision.Training;
using DeskVision.Web.Audits;
using DeskVision.Web.Models;
using DeskVision.Web.Cli;

namespace DeskVision.Tools;

/// <summary>
/// <c>deskvision bench-blur</c>: what training on face-blurred evidence costs (issue 15, <c>training.keep_frames</c>).
/// The office set (real overhead CCTV, COCO ids) is split by camera; the same base is fine-tuned twice on the training
/// cameras, once on the frames as the cameras took them and once blurred as the evidence folder blurs them, and both
/// are judged on the held-out cameras' unblurred frames (what the detector sees at inference). The held-out frames are
/// never trained or tuned on: each run holds out its own validation part from the training cameras.
/// </summary>
public static partial class BenchBlurCommand
{
    public static int Run(CommandArgs args, CancellationToken ct)
    {
        string office = Path.GetFullPath(args.Get("set") ?? Path.Combine(ProjectPaths.Root, "..", "shared", "testdata", "office"));
        if (!Directory.Exists(office)) office = Path.GetFullPath(Path.Combine(ProjectPaths.Root, "..", "..", "shared", "testdata", "office"));
        string baseModel = args.Get("base") ?? "n";
        int epochs = args.GetInt("epochs") ?? TrainOptions.DefaultEpochs;
        var heldOutCameras = (args.Get("hold-out") ?? "192-168-0-64_01,172-19-19-150_05").Split(',');
        // In the checkout's .data, not /tmp: a long run must not lose its folder to someone else's clean-up of /tmp.
        string work = Path.Combine(ProjectPaths.Root, ".data", $"bench-blur-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        try
        {
            var images = Directory.GetFiles(Path.Combine(office, "images")).Order(StringComparer.Ordinal).ToList();
            var heldOut = images.Where(i => heldOutCameras.Contains(Camera(Path.GetFileName(i)))).ToList();
            var train = images.Except(heldOut).ToList();
            Console.WriteLine($"office: {images.Count} frames; held out (cameras {string.Join(", ", heldOutCameras)}): {heldOut.Count}; trained on: {train.Count}; base {baseModel}, {epochs} epochs");
            var blur = EvidenceFolder.SharedFaceBlur;
            foreach (string image in train)
            {
                string label = Path.Combine(office, "labels-coco", Path.GetFileNameWithoutExtension(image) + ".txt");
                foreach (string variant in new[] { "plain", "blurred" })
                {
                    Directory.CreateDirectory(Path.Combine(work, variant, "images"));
                    Directory.CreateDirectory(Path.Combine(work, variant, "labels"));
                    if (File.Exists(label)) File.Copy(label, Path.Combine(work, variant, "labels", Path.GetFileName(label)));
                }
                File.Copy(image, Path.Combine(work, "plain", "images", Path.GetFileName(image)));
                // As the evidence folder blurs a snapshot: faces, and the heads of the people on it (here the labelled people).
                using var mat = OpenCvSharp.Cv2.ImRead(image);
                var people = File.Exists(label)
                    ? DetectionEval.ReadYoloLabels(label, mat.Width, mat.Height).Where(b => b.ClassId == 0).Select(b => b.Box).ToList() : [];
                File.WriteAllBytes(Path.Combine(work, "blurred", "images", Path.GetFileName(image)), blur.Blur(File.ReadAllBytes(image), people)!);
            }
            var frames = heldOut.Select((image, i) =>
            {
                using var mat = OpenCvSharp.Cv2.ImRead(image);
                var names = StockNames();
                string label = Path.Combine(office, "labels-coco", Path.GetFileNameWithoutExtension(image) + ".txt");
                var boxes = File.Exists(label) ? DetectionEval.ReadYoloLabels(label, mat.Width, mat.Height).Select(b => (names[b.ClassId], b.Box)).ToList() : [];
                return new JudgedFrame(i, image, boxes);
            }).ToList();

            var stock = ModelEvaluation.Run(ModelFile.Resolve(baseModel, ProjectPaths.Models), frames, ct);
            Print($"stock {baseModel}", stock);
            foreach (string variant in new[] { "plain", "blurred" })
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var printer = new TrainPrinter(Console.Out, terminal: false);
                var result = Trainer.Run(new TrainOptions
                {
                    Images = Path.Combine(work, variant, "images"), Labels = Path.Combine(work, variant, "labels"), Base = baseModel,
                    ModelsFolder = ProjectPaths.Models, Out = Path.Combine(work, $"{variant}.onnx"), Epochs = epochs,
                }, new SyncProgress<TrainProgress>(printer.Print), ct);
                Print($"trained on {variant} frames ({clock.Elapsed.TotalMinutes:0.0} min, best epoch {result.BestEpoch})",
                    ModelEvaluation.Run(result.OutPath, frames, ct));
            }
            return 0;
        }
        finally { Directory.Delete(work, true); }
    }

    private static IReadOnlyList<string> StockNames()
    {
        using var detector = new ObjectDetector(new DetectorOptions { ModelPath = ModelFile.Resolve("n", ProjectPaths.Models) });
        return detector.Labels;
    }

    private static void Print(string what, IReadOnlyList<ClassAp> classes) =>
        Console.WriteLine($"{what}: held-out unblurred mAP50 {classes.Average(c => c.Ap50):0.000} over {classes.Count} classes; "
            + string.Join(", ", classes.Select(c => $"{c.Label} {c.Ap50:0.000} ({c.GroundTruth})")));

    /// <summary>The camera a Roboflow office file name came from: its IP and channel, else its name family.</summary>
    private static string Camera(string file) => CameraName().Match(file) is { Success: true } m ? m.Groups[1].Value
        : file.StartsWith("frame_", StringComparison.Ordinal) ? "frame" : file.StartsWith("train", StringComparison.Ordinal) ? "train" : "epoch-named";

    [GeneratedRegex(@"^(\d+-\d+-\d+-\d+_\d+)_")]
    private static partial Regex CameraName();
}
