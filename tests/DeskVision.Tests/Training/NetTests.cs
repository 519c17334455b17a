using DeskVision.Detectors;
using DeskVision.Tests.Fixtures;
using DeskVision.Training;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace DeskVision.Tests.Training;

/// <summary>The network rebuilt in TorchSharp from yolov8n.onnx, and the ONNX file written back from it.</summary>
public sealed class NetTests
{
    private static string Photo => Directory.GetFiles(Path.Combine(TrainingData.Office, "images")).Order(StringComparer.Ordinal).First();

    [Fact]
    public void Torch_loads_on_this_machine_and_makes_a_tensor()
    {
        // TorchSharp's native library needs the build's Debian 12 fix (Training/Native) to load at all.
        TorchSetup.Init();
        using var t = ones(2, 3);
        Assert.Equal(6f, t.sum().item<float>());
    }

    [Fact]
    public void Net_from_yolov8n_onnx_gives_onnx_runtimes_raw_output_on_a_real_photo()
    {
        string model = TestData.ModelPath("n");
        float[] input = DetectorInput(model, Photo);
        float[] expected = OnnxRuntimeOutput(model, input);

        using var net = YoloNet.FromOnnx(model);
        net.eval();
        float[] actual;
        using (no_grad())
        using (var x = tensor(input, [1, 3, 640, 640]))
        using (var y = net.Infer(x))
            actual = y.data<float>().ToArray();

        Assert.Equal(expected.Length, actual.Length);
        const int anchors = 8400;
        double boxGrid = 0, boxPixels = 0, scores = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = Math.Abs(actual[i] - expected[i]);
            if (i < 4 * anchors)
            {
                // Boxes are predicted in grid units and multiplied by the level's stride (8, 16, 32) to pixels; float32
                // convolutions summed in another order differ by a few 1e-3 pixels on 500-pixel coordinates (ONNX
                // Runtime itself is 1.5e-3 from a float64 run), so the network's own units are held to 1e-3.
                int anchor = i % anchors;
                int stride = anchor < 6400 ? 8 : anchor < 8000 ? 16 : 32;
                boxGrid = Math.Max(boxGrid, d / stride);
                boxPixels = Math.Max(boxPixels, d);
            }
            else scores = Math.Max(scores, d);
        }
        Assert.True(scores <= 1e-3, $"class scores differ by up to {scores}");
        Assert.True(boxGrid <= 1e-3, $"boxes differ by up to {boxGrid} grid units");
        Assert.True(boxPixels <= 1e-2, $"boxes differ by up to {boxPixels} pixels");
    }

    [Fact]
    public void Onnx_written_before_training_gives_the_same_detections_as_the_original()
    {
        using var folder = new TestData.TempFolder();
        string written = folder.File("copy.onnx");
        using (var net = YoloNet.FromOnnx(TestData.ModelPath("n")))
            OnnxWriter.Write(net, TrainingData.CocoNames, new Dictionary<string, string> { ["deskvision_test"] = "1" }, written);

        using var original = new ObjectDetector(new DetectorOptions { ModelPath = TestData.ModelPath("n") });
        using var copy = new ObjectDetector(new DetectorOptions { ModelPath = written });
        Assert.Equal(original.Labels, copy.Labels);
        foreach (string image in Directory.GetFiles(Path.Combine(TrainingData.Office, "images")).Order(StringComparer.Ordinal).Take(3))
        {
            using var bgr = Cv2.ImRead(image);
            var a = original.Detect(bgr, 0.05f);
            var b = copy.Detect(bgr, 0.05f);
            Assert.NotEmpty(a);
            Assert.Equal(a.Count, b.Count);
            foreach (var (x, y) in a.Zip(b))
            {
                Assert.Equal(x.Label, y.Label);
                Assert.Equal(x.Confidence, y.Confidence, 5);
                Assert.True(x.Box.IoU(y.Box) > 0.999f, $"{x.Label} box moved");
            }
        }
    }

    [Fact]
    public void A_trained_model_answers_for_the_classes_its_data_did_not_label_exactly_as_the_base_model()
    {
        using var folder = new TestData.TempFolder();
        string trained = folder.File("trained.onnx"), branched = folder.File("branched.onnx");
        var labelled = new HashSet<int> { 0, 67 }; // person, cell phone
        using (var net = YoloNet.FromOnnx(TestData.ModelPath("n")))
        {
            // "Training" that moved the neck and head (layers 12 on) but not the backbone.
            using (no_grad())
                foreach (var (prefix, conv) in net.Convs.Where(c => int.Parse(c.Key.Split('.')[1]) >= 12))
                    conv.weight!.mul_(1.08);
            OnnxWriter.Write(net, TrainingData.CocoNames, new Dictionary<string, string>(), trained);
        }
        var proto = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(trained));
        OnnxWriter.AddBaseBranch(proto, Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(TestData.ModelPath("n"))), labelled);
        File.WriteAllBytes(branched, Google.Protobuf.MessageExtensions.ToByteArray(proto));
        Assert.Contains(proto.Graph.Node, n => n.Name.StartsWith("base//model.22/", StringComparison.Ordinal));
        Assert.DoesNotContain(proto.Graph.Node, n => n.Name.StartsWith("base//model.9/", StringComparison.Ordinal)); // the unchanged backbone runs once

        var options = (string path) => new DetectorOptions { ModelPath = path, MaxDetections = 30_000 };
        using var stock = new ObjectDetector(options(TestData.ModelPath("n")));
        using var alone = new ObjectDetector(options(trained));
        using var both = new ObjectDetector(options(branched));
        bool moved = false;
        foreach (string image in Directory.GetFiles(Path.Combine(TrainingData.Office, "images")).Order(StringComparer.Ordinal).Take(3))
        {
            using var bgr = Cv2.ImRead(image);
            var fromStock = stock.Detect(bgr, 0.05f);
            var fromTrained = alone.Detect(bgr, 0.05f);
            var fromBoth = both.Detect(bgr, 0.05f);
            SameDetections(fromStock.Where(d => !labelled.Contains(d.ClassId)), fromBoth.Where(d => !labelled.Contains(d.ClassId)));
            SameDetections(fromTrained.Where(d => labelled.Contains(d.ClassId)), fromBoth.Where(d => labelled.Contains(d.ClassId)));
            moved |= fromStock.Where(d => d.ClassId == 0).Sum(d => d.Confidence) != fromTrained.Where(d => d.ClassId == 0).Sum(d => d.Confidence);
        }
        Assert.True(moved, "the stand-in for training changed nothing, so the test would show nothing");
    }

    private static void SameDetections(IEnumerable<Detection> expected, IEnumerable<Detection> actual)
    {
        var a = expected.OrderBy(d => d.ClassId).ThenByDescending(d => d.Confidence).ToList();
        var b = actual.OrderBy(d => d.ClassId).ThenByDescending(d => d.Confidence).ToList();
        Assert.Equal(a.Count, b.Count);
        foreach (var (x, y) in a.Zip(b))
        {
            Assert.Equal(x.Label, y.Label);
            Assert.Equal(x.Confidence, y.Confidence, 4);
            Assert.True(x.Box.IoU(y.Box) > 0.999f, $"{x.Label} box moved");
        }
    }

    [Fact]
    public void A_missing_or_corrupt_base_model_is_refused_with_its_path()
    {
        using var folder = new TestData.TempFolder();
        var missing = Assert.Throws<BaseModelException>(() => BaseModel.Load(folder.File("none.onnx"), folder.Path));
        Assert.Contains("none.onnx", missing.Message);
        Assert.Contains("not found", missing.Message);

        string truncated = folder.File("truncated.onnx");
        var bytes = File.ReadAllBytes(TestData.ModelPath("n"));
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 3)]);
        var corrupt = Assert.Throws<BaseModelException>(() => BaseModel.Load(truncated, folder.Path));
        Assert.Contains("truncated.onnx", corrupt.Message);

        string face = Path.Combine(TestData.Root, "onnx-models", "face_detection_back_256x256_barracuda.onnx");
        var other = Assert.Throws<BaseModelException>(() => BaseModel.Load(face, folder.Path));
        Assert.Contains("not a YOLOv8 detection model", other.Message);
    }

    /// <summary>The exact input tensor <see cref="ObjectDetector"/> builds for a photo (letterbox, RGB, /255).</summary>
    public static float[] DetectorInput(string model, string image)
    {
        using var detector = new ObjectDetector(new DetectorOptions { ModelPath = model });
        using var bgr = Cv2.ImRead(image);
        detector.Detect(bgr);
        return detector.CopyInput();
    }

    private static float[] OnnxRuntimeOutput(string model, float[] input)
    {
        using var session = new InferenceSession(model);
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 640, 640]);
        using var run = new RunOptions();
        using var outputs = session.Run(run, [session.InputMetadata.Keys.First()], [value], [session.OutputMetadata.Keys.First()]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
