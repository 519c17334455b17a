using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace DeskVision.Training;

/// <summary>
/// The YOLOv8 detection network (n, s, m: one topology, other widths and depths) rebuilt from a base ONNX file. The files
/// carry batch-norm folded into each convolution, so every block is convolution + bias + SiLU; widths come from the
/// initializer shapes, bottleneck counts and shortcuts from the graph, strides and paddings from the Conv nodes.
/// Parameters keep their ONNX initializer names ('.' written '_'), so writing the trained weights back is a lookup.
/// </summary>
public sealed class YoloNet : nn.Module
{
    public const int RegMax = 16;
    public static readonly int[] LevelStrides = [8, 16, 32];
    // Layers that feed the head (P3, P4, P5) and, for the neck, where each concatenation takes its skip input from.
    private const int Head = 22;

    private readonly Dictionary<string, Conv2d> _convs = [];
    private readonly Dictionary<int, int> _bottlenecks = [];
    private readonly HashSet<string> _shortcuts = [];
    private readonly Tensor _dflWeights;
    private readonly Dictionary<int, (Tensor Points, Tensor Strides)> _anchors = [];

    public int NumClasses { get; }
    public int BaseClasses { get; }
    public BaseModel Base { get; }

    private YoloNet(BaseModel model, int extraClasses) : base("YoloNet")
    {
        Base = model;
        BaseClasses = model.ClassNames.Count;
        NumClasses = BaseClasses + extraClasses;
        using var scope = NewDisposeScope();
        foreach (var weight in model.Proto.Graph.Initializer.Select(t => t.Name).Where(n => n.EndsWith(".weight") && n != "model.22.dfl.conv.weight"))
        {
            string prefix = weight[..^".weight".Length];
            var shape = model.Shape(weight);
            var (stride, padding) = model.Conv(weight);
            bool widen = extraClasses > 0 && IsClassOutput(prefix);
            long outChannels = shape[0] + (widen ? extraClasses : 0);
            var conv = nn.Conv2d(shape[1], outChannels, shape[2], stride: stride, padding: padding, bias: true);
            using (no_grad())
            {
                var w = tensor(model.Floats(weight), shape);
                var b = tensor(model.Floats(prefix + ".bias"), [shape[0]]);
                if (!widen)
                {
                    conv.weight!.copy_(w);
                    conv.bias!.copy_(b);
                }
                else
                {
                    // A new class starts from a small random projection and a low prior (about 1%), so it does not
                    // fire everywhere before it has learnt anything; the base classes keep their weights.
                    conv.weight!.normal_(0, 0.01);
                    conv.weight![TensorIndex.Slice(0, shape[0])].copy_(w);
                    conv.bias!.fill_(-4.6);
                    conv.bias![TensorIndex.Slice(0, shape[0])].copy_(b);
                }
            }
            _convs[prefix] = conv;
            register_module(prefix.Replace('.', '_'), conv);
        }
        for (int layer = 0; layer < Head; layer++)
        {
            int n = 0;
            while (model.Has($"model.{layer}.m.{n}.cv1.conv.weight")) n++;
            if (n == 0) continue;
            _bottlenecks[layer] = n;
            for (int k = 0; k < n; k++)
                if (model.HasAdd($"/model.{layer}/m.{k}/Add")) _shortcuts.Add($"model.{layer}.m.{k}");
        }
        // The DFL projection is fixed (0..15): a buffer, not a parameter.
        _dflWeights = tensor(model.Floats("model.22.dfl.conv.weight"), [1, RegMax, 1, 1]).DetachFromDisposeScope();
    }

    private static bool IsClassOutput(string prefix) =>
        prefix.StartsWith("model.22.cv3.", StringComparison.Ordinal) && prefix.EndsWith(".2", StringComparison.Ordinal);

    /// <summary>The network with the weights of a base ONNX file; <paramref name="extraClasses"/> new classes are appended.</summary>
    public static YoloNet FromOnnx(string onnxPath, int extraClasses = 0) =>
        FromBase(BaseModel.Load(onnxPath, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(onnxPath)) ?? "."), extraClasses);

    public static YoloNet FromBase(BaseModel model, int extraClasses = 0)
    {
        TorchSetup.Init();
        return new YoloNet(model, extraClasses);
    }

    /// <summary>Named convolutions in ONNX initializer naming (<c>model.2.cv1.conv</c>, <c>model.22.cv3.0.2</c>).</summary>
    public IReadOnlyDictionary<string, Conv2d> Convs => _convs;

    /// <summary>Layers 0..n-1 stop learning (the backbone is 0..9); <c>0</c> trains everything.</summary>
    public void Freeze(int layers)
    {
        foreach (var (prefix, conv) in _convs)
        {
            bool frozen = LayerOf(prefix) < layers;
            foreach (var p in conv.parameters()) p.requires_grad = !frozen;
        }
    }

    public static int LayerOf(string prefix) => int.Parse(prefix.Split('.')[1]);

    private Tensor Conv(string prefix, Tensor x, bool act = true)
    {
        var y = _convs[prefix].forward(x);
        return act ? F.silu(y) : y;
    }

    /// <summary>CSP bottleneck with two convolutions (C2f): split in halves, a chain of bottlenecks on the second, all concatenated.</summary>
    private Tensor C2f(int layer, Tensor x)
    {
        string p = $"model.{layer}";
        var y = Conv($"{p}.cv1.conv", x);
        var halves = y.chunk(2, 1);
        var parts = new List<Tensor> { halves[0], halves[1] };
        var last = halves[1];
        for (int k = 0; k < _bottlenecks[layer]; k++)
        {
            string m = $"{p}.m.{k}";
            var z = Conv($"{m}.cv2.conv", Conv($"{m}.cv1.conv", last));
            last = _shortcuts.Contains(m) ? last + z : z;
            parts.Add(last);
        }
        return Conv($"{p}.cv2.conv", cat(parts, 1));
    }

    /// <summary>Spatial pyramid pooling, fast: three chained 5×5 max-pools.</summary>
    private Tensor Sppf(int layer, Tensor x)
    {
        var a = Conv($"model.{layer}.cv1.conv", x);
        var b = F.max_pool2d(a, 5, 1, 2);
        var c = F.max_pool2d(b, 5, 1, 2);
        var d = F.max_pool2d(c, 5, 1, 2);
        return Conv($"model.{layer}.cv2.conv", cat([a, b, c, d], 1));
    }

    private static Tensor Up(Tensor x) => F.interpolate(x, scale_factor: [2, 2], mode: InterpolationMode.Nearest);

    private Tensor[] Features(Tensor x)
    {
        x = Conv("model.0.conv", x);
        x = Conv("model.1.conv", x);
        x = C2f(2, x);
        x = Conv("model.3.conv", x);
        var p3 = C2f(4, x);
        x = Conv("model.5.conv", p3);
        var p4 = C2f(6, x);
        x = Conv("model.7.conv", p4);
        x = C2f(8, x);
        var p5 = Sppf(9, x);
        var n12 = C2f(12, cat([Up(p5), p4], 1));
        var out15 = C2f(15, cat([Up(n12), p3], 1));
        var out18 = C2f(18, cat([Conv("model.16.conv", out15), n12], 1));
        var out21 = C2f(21, cat([Conv("model.19.conv", out18), p5], 1));
        return [out15, out18, out21];
    }

    /// <summary>Training outputs, the three levels concatenated: box distributions [B,4·16,A] and class logits [B,nc,A].</summary>
    public (Tensor BoxDist, Tensor ClsLogits) ForwardRaw(Tensor images)
    {
        var levels = Features(images);
        var boxes = new List<Tensor>();
        var classes = new List<Tensor>();
        for (int i = 0; i < levels.Length; i++)
        {
            string b = $"model.22.cv2.{i}", c = $"model.22.cv3.{i}";
            var box = Conv($"{b}.2", Conv($"{b}.1.conv", Conv($"{b}.0.conv", levels[i])), act: false);
            var cls = Conv($"{c}.2", Conv($"{c}.1.conv", Conv($"{c}.0.conv", levels[i])), act: false);
            boxes.Add(box.flatten(2));
            classes.Add(cls.flatten(2));
        }
        return (cat(boxes, 2), cat(classes, 2));
    }

    /// <summary>Anchor points (cell centres, in grid units) and their strides for a square input, level by level, row-major.</summary>
    public (Tensor AnchorPoints, Tensor Strides) Anchors(int imageSize)
    {
        if (_anchors.TryGetValue(imageSize, out var cached)) return cached;
        var points = new List<Tensor>();
        var strides = new List<Tensor>();
        using (var scope = NewDisposeScope())
        {
            foreach (int s in LevelStrides)
            {
                int cells = imageSize / s;
                var r = arange(cells, dtype: float32) + 0.5f;
                var yy = r.view(-1, 1).expand(cells, cells);
                var xx = r.view(1, -1).expand(cells, cells);
                points.Add(stack([xx.reshape(-1), yy.reshape(-1)], 1));
                strides.Add(full(cells * cells, 1, (float)s));
            }
            var result = (cat(points, 0).DetachFromDisposeScope(), cat(strides, 0).DetachFromDisposeScope());
            _anchors[imageSize] = result;
            return result;
        }
    }

    /// <summary>Box distributions [B,4·16,A] → distances (left, top, right, bottom) in grid units [B,4,A]: softmax expectation.</summary>
    public Tensor DecodeDistances(Tensor boxDist)
    {
        long b = boxDist.shape[0], a = boxDist.shape[2];
        var probs = boxDist.view(b, 4, RegMax, a).softmax(2);
        return (probs * _dflWeights.view(1, 1, RegMax, 1)).sum(2);
    }

    /// <summary>[B,4+nc,A] exactly as the ONNX file's output0: centre x, y, width, height in input pixels, then sigmoid scores.</summary>
    public Tensor Infer(Tensor images)
    {
        var (boxDist, cls) = ForwardRaw(images);
        var (points, strides) = Anchors((int)images.shape[3]);
        var d = DecodeDistances(boxDist);
        var p = points.t().unsqueeze(0);               // [1,2,A]
        var lt = d[TensorIndex.Colon, TensorIndex.Slice(0, 2)];
        var rb = d[TensorIndex.Colon, TensorIndex.Slice(2, 4)];
        var x1y1 = p - lt;
        var x2y2 = p + rb;
        var xywh = cat([(x1y1 + x2y2) / 2, x2y2 - x1y1], 1) * strides.t().unsqueeze(0);
        return cat([xywh, cls.sigmoid()], 1);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _dflWeights.Dispose();
            foreach (var (p, s) in _anchors.Values) { p.Dispose(); s.Dispose(); }
            _anchors.Clear();
        }
        base.Dispose(disposing);
    }
}
