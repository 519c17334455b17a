using System.Diagnostics;
using System.Text.Json;
using DeskVision.Detectors;
using DeskVision.Ingest;
using DeskVision.Tests.Fixtures;

namespace DeskVision.Tests.Detecting;

[Collection(DetectorCollection.Name)]
public sealed class DetectorTests(DetectorFixture detectors)
{
    [Fact]
    public void Class_names_come_from_the_model_metadata()
    {
        var coco = File.ReadAllLines(Path.Combine(TestData.Shared, "coco", "classes.txt")).Where(l => l.Length > 0);
        Assert.Equal(coco, detectors.Get("n").Labels);
    }

    [Fact]
    public void Eval_over_coco_keeps_the_model_quality_of_a_reference_decoder()
    {
        // A plain reference decoder of yolov8n scores mAP50 0.615 over the desk classes here; a pipeline that
        // letterboxed, mapped boxes or suppressed wrongly would lose a lot of it.
        var report = Evaluate(detectors.Get("n"), "coco");
        Assert.Equal(44, report.Images);
        Assert.InRange(report.MeanAP50, 0.60, 0.65);
        Assert.InRange(report.Classes.Single(c => c.Label == "person").AP50, 0.70, 0.85);
    }

    [Fact]
    public void Known_objects_are_found_in_known_images()
    {
        var n = detectors.Get("n");
        // Persons taking up more than 5% of a COCO photo are found at the operating threshold, in the right place
        // (yolov8n measured 26 of 30 here; a broken letterbox or box mapping finds far fewer).
        int big = 0, found = 0;
        foreach (string image in Directory.GetFiles(Path.Combine(TestData.Shared, "coco", "images")))
        {
            using var mat = SnapshotImage.Decode(File.ReadAllBytes(image));
            var truth = DetectionEval.ReadYoloLabels(Path.Combine(TestData.Shared, "coco", "labels", Path.GetFileNameWithoutExtension(image) + ".txt"), mat.Width, mat.Height)
                .Where(t => t.ClassId == 0 && t.Box.Area > 0.05 * mat.Width * mat.Height).ToList();
            if (truth.Count == 0) continue;
            var people = n.Detect(mat).Where(d => d.Label == "person").ToList();
            big += truth.Count;
            found += truth.Count(t => people.Any(d => d.Box.IoU(t.Box) >= 0.5));
        }
        Assert.True(big >= 20, $"only {big} large persons in the set");
        Assert.True(found >= 0.8 * big, $"found {found} of {big} large persons");
    }

    [Fact]
    public void Laptop_and_phone_on_a_desk_are_found_by_the_default_model()
    {
        using var mat = SnapshotImage.Decode(File.ReadAllBytes(TestData.Coco("000000000387.jpg")));
        var truth = DetectionEval.ReadYoloLabels(Path.Combine(TestData.Shared, "coco", "labels", "000000000387.txt"), mat.Width, mat.Height);
        var found = detectors.Get(ModelFile.DefaultTier).Detect(mat, 0.35f);
        foreach (var t in truth.Where(t => t.ClassId is 63 or 67))
            Assert.Contains(found, d => d.ClassId == t.ClassId && d.Box.IoU(t.Box) >= 0.5);
    }

    [Fact]
    public void Boxes_are_in_the_pixels_of_the_original_image()
    {
        // A tall image is letterboxed with side padding: boxes must come back inside the image, unpadded.
        using var mat = SnapshotImage.Decode(File.ReadAllBytes(TestData.Coco("000000000459.jpg")));
        using var tall = mat.Transpose();
        var found = detectors.Get("n").Detect(tall);
        Assert.NotEmpty(found);
        Assert.All(found, d => Assert.True(d.Box.X1 >= 0 && d.Box.Y1 >= 0 && d.Box.X2 <= tall.Width && d.Box.Y2 <= tall.Height));
        var person = found.Where(d => d.Label == "person").MaxBy(d => d.Confidence)!;
        var truth = DetectionEval.ReadYoloLabels(Path.Combine(TestData.Shared, "coco", "labels", "000000000459.txt"), mat.Width, mat.Height)
            .First(t => t.ClassId == 0).Box;
        Assert.True(person.Box.IoU(new Box(truth.Y1, truth.X1, truth.Y2, truth.X2)) >= 0.7);
    }

    [Fact]
    public void Missing_model_file_is_named_in_the_error()
    {
        var e = Assert.Throws<ModelLoadException>(() => ModelFile.Resolve("/no/such/model.onnx", "/tmp"));
        Assert.Contains("/no/such/model.onnx", e.Message);
    }

    [Fact]
    public void File_that_is_not_an_onnx_model_is_refused_with_its_name()
    {
        using var temp = new TestData.TempFolder();
        string fake = temp.File("yolov8n.onnx");
        File.WriteAllText(fake, "not a model");
        var e = Assert.Throws<ModelLoadException>(() => new ObjectDetector(new DetectorOptions { ModelPath = fake }));
        Assert.Contains(fake, e.Message);
    }

    [Fact]
    public void Truncated_model_file_is_refused_with_its_name()
    {
        using var temp = new TestData.TempFolder();
        string cut = temp.File("cut.onnx");
        byte[] model = File.ReadAllBytes(TestData.ModelPath("n"));
        File.WriteAllBytes(cut, model[..(model.Length / 3)]);
        var e = Assert.Throws<ModelLoadException>(() => new ObjectDetector(new DetectorOptions { ModelPath = cut }));
        Assert.Contains(cut, e.Message);
    }

    [Fact]
    public void Model_whose_outputs_do_not_fit_its_labels_file_is_refused()
    {
        using var temp = new TestData.TempFolder();
        string copy = temp.File("detector.onnx");
        File.Copy(TestData.ModelPath("n"), copy);
        File.WriteAllLines(temp.File("detector.names"), ["person", "cell phone", "cup"]);
        var e = Assert.Throws<ModelLoadException>(() => new ObjectDetector(new DetectorOptions { ModelPath = copy }));
        Assert.Contains("3 class names", e.Message);
    }

    [Fact]
    public void Detect_command_prints_json_per_image()
    {
        string image = TestData.Coco("000000000387.jpg");
        var (code, stdout, _) = Cli("detect", image, "--json", "--model", "n", "--min-confidence", "0.2");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        var first = json.RootElement[0];
        Assert.Equal(image, first.GetProperty("image").GetString());
        Assert.Equal(640, first.GetProperty("width").GetInt32());
        var detections = first.GetProperty("detections").EnumerateArray().ToList();
        Assert.NotEmpty(detections);
        Assert.All(detections, d =>
        {
            Assert.True(d.GetProperty("confidence").GetDouble() >= 0.2);
            Assert.Equal(4, d.GetProperty("box").GetArrayLength());
            Assert.Equal(detectors.Get("n").Labels[d.GetProperty("classId").GetInt32()], d.GetProperty("label").GetString());
        });
    }

    internal static (int Code, string Stdout, string Stderr) Cli(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "deskvision.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["DESKVISION_ROOT"] = TestData.Root;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("deskvision CLI did not finish in 120 s"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    internal static EvalReport Evaluate(ObjectDetector detector, string set)
    {
        var eval = new DetectionEval(DetectionEval.DeskClasses, 0.25f);
        foreach (string image in Directory.GetFiles(Path.Combine(TestData.Shared, set, "images")).Order())
        {
            using var mat = SnapshotImage.Decode(File.ReadAllBytes(image));
            string label = Path.Combine(TestData.Shared, set, "labels", Path.GetFileNameWithoutExtension(image) + ".txt");
            eval.Add(detector.Detect(mat, 0.001f), File.Exists(label) ? DetectionEval.ReadYoloLabels(label, mat.Width, mat.Height) : []);
        }
        return eval.Report(detector.Labels);
    }
}
