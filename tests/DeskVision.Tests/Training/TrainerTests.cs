using DeskVision.Detectors;
using DeskVision.Tests.Fixtures;
using DeskVision.Training;
using OpenCvSharp;
using static TorchSharp.torch;

namespace DeskVision.Tests.Training;

/// <summary>Real training on a few real labelled photos with yolov8n: few steps, so these check direction, not quality
/// (the figures are bench-train's).</summary>
public sealed class TrainerTests
{
    [Fact]
    public void A_few_training_steps_on_four_labelled_photos_lower_the_loss_and_raise_their_AP()
    {
        using var set = TrainingData.OfficeCopy(4);
        var data = YoloDataset.Load(set.File("images"), set.File("labels"), TrainingData.CocoNames, null);
        var model = BaseModel.Load(TestData.ModelPath("n"), set.Path);
        using var net = YoloNet.FromBase(model);
        net.Freeze(10);
        var loss = new DetectionLoss(net.NumClasses, data.LabelledClasses);
        var (anchors, strides) = net.Anchors(640);
        // The plain letterbox, no augmentation: the same batch before and after, so the loss is comparable.
        using var batches = new BatchMaker(data.Images, 640, augment: false, seed: 1);
        var (images, targets) = batches.Next(4);
        var optimizer = optim.AdamW(net.parameters().Where(p => p.requires_grad), lr: 0.001);

        double first = 0, last = 0;
        for (int step = 0; step < 6; step++)
        {
            using var scope = NewDisposeScope();
            var (dist, cls) = net.ForwardRaw(images);
            var (total, _) = loss.Compute(dist, cls, anchors, strides, targets);
            if (step == 0) first = total.item<float>();
            last = total.item<float>();
            optimizer.zero_grad();
            total.backward();
            optimizer.step();
        }
        Assert.True(last < first * 0.9, $"loss {first:0.000} -> {last:0.000}");
        images.Dispose();
        targets.Dispose();

        using var folder = new TestData.TempFolder();
        var before = Evaluate(TestData.ModelPath("n"), data);
        string trained = folder.File("trained.onnx");
        OnnxWriter.Write(net, data.ClassNames, new Dictionary<string, string>(), trained);
        var after = Evaluate(trained, data);
        Assert.True(after.MeanAP50 > before.MeanAP50 + 0.02, $"mAP50 on the four photos {before.MeanAP50:0.000} -> {after.MeanAP50:0.000}");
    }

    [Fact]
    public void A_new_class_is_detected_after_training_on_a_small_set()
    {
        // Six office photos whose person boxes are labelled as a new class, 'desk-person', from a names file: the model
        // keeps its 80 COCO classes and learns an 81st that the stock model cannot output at all.
        using var set = new TestData.TempFolder();
        Directory.CreateDirectory(set.File("images"));
        Directory.CreateDirectory(set.File("labels"));
        File.WriteAllText(set.File("labels/classes.txt"), "desk-person\n");
        foreach (string image in Directory.GetFiles(Path.Combine(TrainingData.Office, "images")).Order(StringComparer.Ordinal).Take(6))
        {
            File.Copy(image, set.File("images/" + Path.GetFileName(image)));
            string stem = Path.GetFileNameWithoutExtension(image);
            var persons = File.ReadAllLines(Path.Combine(TrainingData.Office, "labels-coco", stem + ".txt"))
                .Where(l => l.StartsWith("0 ", StringComparison.Ordinal));
            File.WriteAllLines(set.File($"labels/{stem}.txt"), persons);
        }

        string output = set.File("out/desk.onnx");
        var result = Trainer.Run(new TrainOptions
        {
            Images = set.File("images"), Labels = set.File("labels"), ValImages = set.File("images"), ValLabels = set.File("labels"),
            Base = TestData.ModelPath("n"), ModelsFolder = set.Path, Out = output,
            Epochs = 4, Batch = 3, Freeze = 10, LearningRate = 0.002, Seed = 1,
        }, null, CancellationToken.None);

        Assert.Equal(81, result.ClassNames.Count);
        Assert.Equal("desk-person", result.ClassNames[80]);
        Assert.True(result.BestEpoch > 0);
        using var detector = new ObjectDetector(new DetectorOptions { ModelPath = output });
        Assert.Equal(81, detector.Labels.Count);
        Assert.Equal("person", detector.Labels[0]);
        var data = YoloDataset.Load(set.File("images"), set.File("labels"), TrainingData.CocoNames, null);
        var report = Trainer.Evaluate(detector, data.Images, new HashSet<int> { 80 });
        var newClass = Assert.Single(report.Classes);
        Assert.True(newClass.AP50 > 0.3, $"desk-person AP50 {newClass.AP50:0.000} after training (the stock model has no such output)");
        // Still an ordinary detector with the base's classes: the person column still finds people.
        using var bgr = Cv2.ImRead(data.Images[0].ImagePath);
        Assert.Contains(detector.Detect(bgr), d => d.Label == "person");
        Assert.Contains("deskvision_base_sha256", string.Join(",", Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(output)).MetadataProps.Select(p => p.Key)));
    }

    [Fact]
    public void Stopping_before_the_first_epoch_keeps_the_stock_model_as_the_best_so_far()
    {
        using var set = TrainingData.OfficeCopy(4);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        string output = set.File("out.onnx");
        var result = Trainer.Run(new TrainOptions
        {
            Images = set.File("images"), Labels = set.File("labels"), Base = TestData.ModelPath("n"), ModelsFolder = set.Path, Out = output,
        }, null, cancelled.Token);

        Assert.True(result.Cancelled);
        Assert.Equal(0, result.BestEpoch);
        using var detector = new ObjectDetector(new DetectorOptions { ModelPath = output });
        Assert.Equal(TrainingData.CocoNames, detector.Labels);
    }

    [Fact]
    public void Bad_labels_are_refused_naming_the_file_and_line_and_nothing_is_written()
    {
        using var set = TrainingData.OfficeCopy(4);
        string label = Directory.GetFiles(set.File("labels")).Order(StringComparer.Ordinal).First();
        File.AppendAllText(label, "0 0.5 0.5 0.2\n");
        string output = set.File("out.onnx");
        var e = Assert.Throws<DatasetException>(() => Trainer.Run(new TrainOptions
        {
            Images = set.File("images"), Labels = set.File("labels"), Base = TestData.ModelPath("n"), ModelsFolder = set.Path, Out = output,
        }, null, CancellationToken.None));
        Assert.Equal(label, e.File);
        Assert.NotNull(e.Line);
        Assert.False(File.Exists(output));
        Assert.False(Directory.Exists(output + ".train"));
    }

    private static EvalReport Evaluate(string model, TrainingSet data)
    {
        using var detector = new ObjectDetector(new DetectorOptions { ModelPath = model });
        return Trainer.Evaluate(detector, data.Images, data.LabelledClasses);
    }
}
