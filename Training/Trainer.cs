using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DeskVision.Detectors;
using OpenCvSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace DeskVision.Training;

/// <summary>What a training run is asked to do. Unset numbers take the defaults that measured best on small sets.</summary>
public sealed record TrainOptions
{
    public required string Images { get; init; }
    public required string Labels { get; init; }
    /// <summary><c>n</c>, <c>s</c>, <c>m</c> or a YOLOv8 ONNX file.</summary>
    public required string Base { get; init; }
    public required string ModelsFolder { get; init; }
    public required string Out { get; init; }
    public string? ValImages { get; init; }
    public string? ValLabels { get; init; }
    public string? NamesFile { get; init; }
    public int? Epochs { get; init; }
    public int? Batch { get; init; }
    /// <summary>Layers 0..N-1 frozen (10 = the whole backbone).</summary>
    public int? Freeze { get; init; }
    public double? LearningRate { get; init; }
    public int Seed { get; init; }
    public bool Resume { get; init; }
    public int ImageSize { get; init; } = 640;
    /// <summary>LibTorch and ONNX Runtime threads; 0 = one per core.</summary>
    public int Threads { get; init; }
    /// <summary>Share of the frames held out for validation when no validation set is given.</summary>
    public double HoldOut { get; init; } = 0.2;

    public const int DefaultEpochs = 30, DefaultBatch = 4, DefaultFreeze = 0;
    public const double DefaultLearningRate = 0.0005;
}

/// <summary>One report while training runs: during an epoch (Step &lt; Steps) or after its validation.</summary>
public sealed record TrainProgress(int Epoch, int Epochs, int Step, int Steps, LossParts Loss, double? ValMap50, double BestMap50,
    double SecondsPerEpoch, TimeSpan Remaining, string? Note = null);

public sealed record TrainResult(string OutPath, int EpochsRun, int BestEpoch, double StockMap50, double BestMap50,
    IReadOnlyList<ClassScore> StockClasses, IReadOnlyList<ClassScore> BestClasses, int TrainImages, int ValImages,
    double Seconds, double SecondsPerEpoch, bool Cancelled, IReadOnlyList<string> ClassNames);

/// <summary>
/// Fine-tunes a YOLOv8 base model on a hall's labelled frames and writes the best epoch as an ONNX file (see
/// docs/decisions/ on folded batch-norm, the class-widening graph edit and the masked loss). Validation runs the ONNX
/// file written from the weights' moving average through <see cref="ObjectDetector"/>, so the figure is what
/// <c>detect</c> and the audits will see. Every epoch leaves a checkpoint beside the output that <c>--resume</c> continues.
/// </summary>
public static class Trainer
{
    private const double EmaTau = 50, FinalLrFraction = 0.05, WeightDecay = 0.0005, ClipNorm = 10;
    private const int CloseMosaicEpochs = 5;
    /// <summary>Below this many frames (and no validation set) nothing is held out: the epoch is chosen on the training frames.</summary>
    public const int MinImagesToHoldOut = 10;
    /// <summary>Validation frames needed before the epoch is chosen by its validation mAP50 rather than kept last.</summary>
    public const int MinFramesToChooseEpoch = 20;

    public static TrainResult Run(TrainOptions o, IProgress<TrainProgress>? progress, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var baseModel = BaseModel.Load(o.Base, o.ModelsFolder);
        var data = YoloDataset.Load(o.Images, o.Labels, baseModel.ClassNames, o.NamesFile);
        if (data.Images.Count == 0) throw new DatasetException(o.Images, null, "no images");
        IReadOnlyList<LabelledImage> train, val;
        if (o.ValImages is not null)
        {
            var valSet = YoloDataset.Load(o.ValImages, o.ValLabels ?? o.ValImages, baseModel.ClassNames, o.NamesFile ?? data.NamesFile);
            if (!valSet.ClassNames.SequenceEqual(data.ClassNames))
                throw new DatasetException(o.ValLabels ?? o.ValImages, null, "validation labels name other classes than the training labels");
            (train, val) = (data.Images, valSet.Images);
        }
        else if (data.Images.Count < MinImagesToHoldOut)
            (train, val) = (data.Images, data.Images); // too few to hold any out: validation then only tracks fitting
        else
            (train, val) = TrainValSplit.HoldOut(data.Images, o.HoldOut, o.Seed);

        int epochs = o.Epochs ?? TrainOptions.DefaultEpochs, batch = Math.Min(o.Batch ?? TrainOptions.DefaultBatch, train.Count);
        int freeze = o.Freeze ?? TrainOptions.DefaultFreeze;
        double lr0 = o.LearningRate ?? TrainOptions.DefaultLearningRate;
        if (epochs < 1 || batch < 1 || freeze < 0 || freeze > 22) throw new ArgumentException("epochs and batch must be ≥ 1, freeze 0..22");

        TorchSetup.Init(o.Threads);
        torch.manual_seed(o.Seed);
        string outPath = Path.GetFullPath(o.Out);
        string work = outPath + ".train";
        Directory.CreateDirectory(work);
        string dataHash = DataHash(data.Images);

        using var net = YoloNet.FromBase(baseModel, data.NewClassNames.Count);
        using var ema = YoloNet.FromBase(baseModel, data.NewClassNames.Count);
        CopyWeights(net, ema);
        net.Freeze(freeze);
        ema.Freeze(int.MaxValue);
        var trainable = net.parameters().Where(p => p.requires_grad).ToList();
        // Decay the weights, not the biases (the usual split: a bias pulled to zero only shifts the activations).
        var named = net.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        var decay = named.Where(p => p.name.EndsWith("weight")).Select(p => p.parameter).ToList();
        var noDecay = named.Where(p => !p.name.EndsWith("weight")).Select(p => p.parameter).ToList();
        var optimizer = optim.AdamW([new TorchSharp.Modules.AdamW.ParamGroup(decay, new TorchSharp.Modules.AdamW.Options { LearningRate = lr0, weight_decay = WeightDecay }),
                                     new TorchSharp.Modules.AdamW.ParamGroup(noDecay, new TorchSharp.Modules.AdamW.Options { LearningRate = lr0, weight_decay = 0 })],
                                    lr: lr0, beta1: 0.9, beta2: 0.999);
        var loss = new DetectionLoss(net.NumClasses, data.LabelledClasses, YoloNet.RegMax);
        var (anchors, strides) = net.Anchors(o.ImageSize);
        using var batches = new BatchMaker(train, o.ImageSize, augment: true, seed: o.Seed);
        int steps = (int)Math.Ceiling((double)train.Count / batch);
        int totalSteps = steps * epochs, warmup = Math.Max(steps, Math.Min(totalSteps / 10, 30));

        var evalClasses = data.LabelledClasses;
        var stock = Validate(baseModel.Path, val, evalClasses, data.ClassNames, o, baseModel.ClassNames.Count != data.ClassNames.Count ? ema : null, work);
        var state = new RunState { BestMap50 = -1, BestEpoch = 0, Updates = 0, StartEpoch = 1 };
        string statePath = Path.Combine(work, "state.json"), bestPath = Path.Combine(work, "best.onnx");
        if (o.Resume && File.Exists(statePath))
        {
            var saved = JsonSerializer.Deserialize<RunState>(File.ReadAllText(statePath))!;
            if (saved.BaseSha256 != baseModel.Sha256 || saved.DataHash != dataHash || saved.Freeze != freeze)
                throw new DatasetException(statePath, null, $"the checkpoint is of another base model, other data or another --freeze ({saved.Freeze}); remove it or train without --resume");
            net.load(Path.Combine(work, "net.weights"));
            ema.load(Path.Combine(work, "ema.weights"));
            optimizer.load_state_dict(Path.Combine(work, "optimizer.state"));
            state = saved with { StartEpoch = saved.LastEpoch + 1 };
            net.Freeze(freeze);
        }
        state = state with { BaseSha256 = baseModel.Sha256, DataHash = dataHash, Freeze = freeze };
        IReadOnlyList<ClassScore> bestClasses = state.BestMap50 >= 0 ? [] : stock.Classes;
        if (state.BestMap50 < 0)
        {
            // The stock model is the first candidate: a run that does not beat it leaves it as it was.
            OnnxWriter.Write(ema, data.ClassNames, RunFacts(baseModel, dataHash, 0, epochs, stock, stock, train.Count, val.Count, freeze), bestPath);
            state = state with { BestMap50 = stock.MeanAP50, BestEpoch = 0 };
        }
        progress?.Report(new TrainProgress(0, epochs, 0, steps, default, stock.MeanAP50, state.BestMap50, 0, TimeSpan.Zero,
            $"{train.Count} training and {val.Count} validation images{(ReferenceEquals(train, val) ? " (the same: too few to hold any out)" : "")}, {data.ClassNames.Count} classes ({data.NewClassNames.Count} new), freeze {freeze}, batch {batch}"));

        var epochTimes = new List<double>();
        bool cancelled = false;
        int lastEpoch = state.StartEpoch - 1;
        for (int epoch = state.StartEpoch; epoch <= epochs && !cancelled; epoch++)
        {
            var epochClock = Stopwatch.StartNew();
            net.train();
            if (epoch > epochs - CloseMosaicEpochs) batches.Options = batches.Options with { Mosaic = 0 };
            double box = 0, cls = 0, dfl = 0;
            for (int step = 0; step < steps; step++)
            {
                if (cancel.IsCancellationRequested) { cancelled = true; break; }
                int update = (epoch - 1) * steps + step;
                SetLearningRate(optimizer, lr0, update, warmup, totalSteps);
                using (var scope = NewDisposeScope())
                {
                    var (images, targets) = batches.Next(batch);
                    // A frozen backbone runs without a graph: nothing behind it needs a gradient.
                    (Tensor, Tensor, Tensor)? frozen = null;
                    if (freeze >= YoloNet.BackboneLayers)
                        using (no_grad()) frozen = net.Backbone(images);
                    var (boxDist, clsLogits) = frozen is { } f ? net.ForwardFrom(f) : net.ForwardRaw(images);
                    var (total, parts) = loss.Compute(boxDist, clsLogits, anchors, strides, targets);
                    optimizer.zero_grad();
                    total.backward();
                    nn.utils.clip_grad_norm_(trainable, ClipNorm);
                    optimizer.step();
                    state = state with { Updates = state.Updates + 1 };
                    UpdateEma(net, ema, state.Updates);
                    box += parts.Box; cls += parts.Cls; dfl += parts.Dfl;
                }
                var mean = new LossParts(box / (step + 1), cls / (step + 1), dfl / (step + 1));
                double perEpoch = epochTimes.Count > 0 ? epochTimes.Average() : epochClock.Elapsed.TotalSeconds / (step + 1) * steps;
                progress?.Report(new TrainProgress(epoch, epochs, step + 1, steps, mean, null, state.BestMap50, perEpoch,
                    TimeSpan.FromSeconds(perEpoch * (epochs - epoch) + epochClock.Elapsed.TotalSeconds / (step + 1) * (steps - step - 1))));
            }
            if (cancelled) break;

            var report = Validate(null, val, evalClasses, data.ClassNames, o, ema, work);
            var epochLoss = new LossParts(box / steps, cls / steps, dfl / steps);
            // On a few held-out frames the best epoch is mostly noise: there the latest epoch that is not worse than
            // the stock model is kept (the end of the decaying schedule, averaged by the EMA; decision 15).
            bool keep = val.Count >= MinFramesToChooseEpoch ? report.MeanAP50 > state.BestMap50 : report.MeanAP50 >= stock.MeanAP50;
            if (keep)
            {
                File.Copy(Path.Combine(work, "val.onnx"), bestPath + ".tmp", overwrite: true);
                File.Move(bestPath + ".tmp", bestPath, overwrite: true);
                state = state with { BestMap50 = report.MeanAP50, BestEpoch = epoch };
                bestClasses = report.Classes;
            }
            lastEpoch = epoch;
            state = state with { LastEpoch = epoch };
            Checkpoint(net, ema, optimizer, state, work);
            epochTimes.Add(epochClock.Elapsed.TotalSeconds);
            progress?.Report(new TrainProgress(epoch, epochs, steps, steps, epochLoss, report.MeanAP50, state.BestMap50,
                epochTimes.Average(), TimeSpan.FromSeconds(epochTimes.Average() * (epochs - epoch))));
        }

        // The best epoch (or the stock weights, if no epoch beat them) becomes the output, with the run's facts.
        if (bestClasses.Count == 0)
            bestClasses = Validate(bestPath, val, evalClasses, data.ClassNames, o, null, work).Classes;
        var best = new EvalReport(bestClasses, val.Count);
        var facts = RunFacts(baseModel, dataHash, state.BestEpoch, lastEpoch, stock, best, train.Count, val.Count, freeze);
        // The base model answers for the classes this data does not label, exactly as it did (decision 15).
        var kept = Enumerable.Range(0, baseModel.ClassNames.Count).Where(c => !evalClasses.Contains(c)).ToList();
        if (kept.Count > 0) facts["deskvision_base_branch"] = $"{kept.Count} classes the data does not label are the base model's: {string.Join(", ", kept.Take(12).Select(c => baseModel.ClassNames[c]))}{(kept.Count > 12 ? ", ..." : "")}";
        Finalise(bestPath, facts, outPath, kept.Count > 0 ? baseModel.Proto : null, evalClasses);
        return new TrainResult(outPath, lastEpoch, state.BestEpoch, stock.MeanAP50, state.BestMap50, stock.Classes, bestClasses,
            train.Count, val.Count, clock.Elapsed.TotalSeconds, epochTimes.Count > 0 ? epochTimes.Average() : 0, cancelled, data.ClassNames);
    }

    /// <summary>mAP50 on the validation frames, by <see cref="ObjectDetector"/> on an ONNX file: the given one, or the
    /// one written from <paramref name="net"/>.</summary>
    private static EvalReport Validate(string? onnx, IReadOnlyList<LabelledImage> val, IReadOnlySet<int> classes,
        IReadOnlyList<string> names, TrainOptions o, YoloNet? net, string work)
    {
        if (net is not null)
        {
            onnx = Path.Combine(work, "val.onnx");
            OnnxWriter.Write(net, names, new Dictionary<string, string>(), onnx);
        }
        using var detector = new ObjectDetector(new DetectorOptions { ModelPath = onnx!, Threads = o.Threads });
        return Evaluate(detector, val, classes);
    }

    /// <summary>AP50 per class over labelled images, ranked at confidence ≥ 0.001 like <c>eval</c>.</summary>
    public static EvalReport Evaluate(ObjectDetector detector, IReadOnlyList<LabelledImage> images, IReadOnlySet<int> classes)
    {
        var eval = new DetectionEval(classes, 0.25f);
        foreach (var image in images)
        {
            using var bgr = Cv2.ImRead(image.ImagePath, ImreadModes.Color);
            var truth = image.Boxes.Select(b => new LabelledBox(b.ClassId, new Box(
                (b.Cx - b.W / 2) * bgr.Width, (b.Cy - b.H / 2) * bgr.Height, (b.Cx + b.W / 2) * bgr.Width, (b.Cy + b.H / 2) * bgr.Height))).ToList();
            eval.Add(detector.Detect(bgr, 0.001f), truth);
        }
        return eval.Report(detector.Labels);
    }

    private static void SetLearningRate(optim.Optimizer optimizer, double lr0, int update, int warmup, int total)
    {
        // Linear warm-up, then a cosine decay to a small fraction.
        double lr = update < warmup
            ? lr0 * (update + 1) / warmup
            : lr0 * (FinalLrFraction + (1 - FinalLrFraction) * 0.5 * (1 + Math.Cos(Math.PI * (update - warmup) / Math.Max(1, total - warmup))));
        foreach (var g in optimizer.ParamGroups) g.LearningRate = lr;
    }

    private static void CopyWeights(YoloNet from, YoloNet to)
    {
        using var _ = no_grad();
        var target = to.state_dict();
        foreach (var (name, t) in from.state_dict()) target[name].copy_(t);
    }

    /// <summary>Exponential moving average of the weights; the decay ramps up so the first updates count.</summary>
    private static void UpdateEma(YoloNet net, YoloNet ema, long updates)
    {
        double d = 0.9999 * (1 - Math.Exp(-updates / EmaTau));
        using var _ = no_grad();
        var target = ema.state_dict();
        foreach (var (name, p) in net.named_parameters())
            if (p.requires_grad) target[name].mul_(d).add_(p.detach(), alpha: 1 - d);
    }

    private sealed record RunState
    {
        public int StartEpoch { get; init; }
        public int LastEpoch { get; init; }
        public double BestMap50 { get; init; }
        public int BestEpoch { get; init; }
        public long Updates { get; init; }
        public string BaseSha256 { get; init; } = "";
        public string DataHash { get; init; } = "";
        public int Freeze { get; init; }
    }

    private static void Checkpoint(YoloNet net, YoloNet ema, TorchSharp.Modules.AdamW optimizer, RunState state, string work)
    {
        // Each file written whole, then renamed; the state last, so it never points at a half-written epoch.
        Save(Path.Combine(work, "net.weights"), p => net.save(p));
        Save(Path.Combine(work, "ema.weights"), p => ema.save(p));
        Save(Path.Combine(work, "optimizer.state"), p => optimizer.save_state_dict(p));
        Save(Path.Combine(work, "state.json"), p => File.WriteAllText(p, JsonSerializer.Serialize(state)));
    }

    private static void Save(string path, Action<string> write)
    {
        string temp = path + ".tmp";
        write(temp);
        File.Move(temp, path, overwrite: true);
    }

    private static Dictionary<string, string> RunFacts(BaseModel b, string dataHash, int bestEpoch, int epochs, EvalReport stock,
        EvalReport best, int trainImages, int valImages, int freeze) => new()
    {
        ["deskvision_base"] = Path.GetFileName(b.Path),
        ["deskvision_base_sha256"] = b.Sha256,
        ["deskvision_data_sha256"] = dataHash,
        ["deskvision_epochs"] = epochs.ToString(),
        ["deskvision_best_epoch"] = bestEpoch.ToString(),
        ["deskvision_freeze"] = freeze.ToString(),
        ["deskvision_images"] = $"{trainImages} train, {valImages} validation",
        ["deskvision_val_map50"] = $"{best.MeanAP50:0.000} (stock {stock.MeanAP50:0.000})",
        ["deskvision_val_ap50"] = string.Join(", ", best.Classes.Select(c => $"{c.Label}: {c.AP50:0.000}")),
        ["deskvision_trained_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
    };

    private static void Finalise(string bestPath, Dictionary<string, string> facts, string outPath, Onnx.ModelProto? baseBranch, IReadOnlySet<int> trainedClasses)
    {
        var proto = Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(bestPath));
        if (baseBranch is not null) OnnxWriter.AddBaseBranch(proto, baseBranch, trainedClasses);
        foreach (var (k, v) in facts)
        {
            var entry = proto.MetadataProps.FirstOrDefault(e => e.Key == k);
            if (entry is null) proto.MetadataProps.Add(new Onnx.StringStringEntryProto { Key = k, Value = v });
            else entry.Value = v;
        }
        string temp = outPath + $".tmp-{Environment.ProcessId}";
        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        try
        {
            using (var s = File.Create(temp)) Google.Protobuf.MessageExtensions.WriteTo(proto, s);
            File.Move(temp, outPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>sha256 over the images' and labels' bytes, in name order: which data a model was trained on.</summary>
    public static string DataHash(IReadOnlyList<LabelledImage> images)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var image in images.OrderBy(i => i.ImagePath, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(image.ImagePath)));
            sha.AppendData(File.ReadAllBytes(image.ImagePath));
            if (image.LabelPath is not null && File.Exists(image.LabelPath)) sha.AppendData(File.ReadAllBytes(image.LabelPath));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
