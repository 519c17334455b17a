using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace DeskVision.Training;

/// <summary>
/// Writes a trained <see cref="YoloNet"/> as an ordinary ONNX file: the base graph, unchanged, with the trained weights in
/// its initializers. With new classes the class convolutions (<c>model.22.cv3.*.2</c>) get wider outputs and the two
/// things in the head that spell out the channel count (the Reshape to [1, 64+nc, -1] and the declared output shape) are
/// rewritten, so the output is [1, 4+nc, A] as <c>ObjectDetector</c> expects. Class names go in the <c>names</c>
/// metadata in the base's own format; the run's facts in <c>deskvision_*</c> entries.
/// </summary>
public static class OnnxWriter
{
    public static void Write(YoloNet net, IReadOnlyList<string> classNames, IReadOnlyDictionary<string, string> runMetadata, string path)
    {
        if (classNames.Count != net.NumClasses)
            throw new ArgumentException($"{classNames.Count} class names for a model of {net.NumClasses} classes", nameof(classNames));
        var proto = net.Base.Proto.Clone();
        var inits = proto.Graph.Initializer.ToDictionary(t => t.Name);
        foreach (var (prefix, conv) in net.Convs)
        {
            SetFloats(inits[prefix + ".weight"], conv.weight!);
            SetFloats(inits[prefix + ".bias"], conv.bias!);
        }

        int channels = 4 * YoloNet.RegMax + net.NumClasses;
        if (net.NumClasses != net.BaseClasses)
        {
            // The head reshapes each level to [1, 64+nc, -1]: find that shape constant through the Reshape nodes that
            // read the head's concatenations, rather than by a node name that another exporter could spell differently.
            var reshapeShapes = proto.Graph.Node
                .Where(n => n.OpType == "Reshape" && n.Input.Count == 2 && n.Input[0].StartsWith("/model.22/Concat", StringComparison.Ordinal))
                .Select(n => n.Input[1]).Distinct().ToList();
            if (reshapeShapes.Count == 0) throw new BaseModelException($"base model '{net.Base.Path}': head Reshape not found");
            foreach (string name in reshapeShapes)
            {
                var shape = inits.TryGetValue(name, out var t) ? t : throw new BaseModelException($"base model '{net.Base.Path}': shape '{name}' is not a constant initializer");
                var dims = Longs(shape);
                if (dims.Length != 3 || dims[1] != 4 * YoloNet.RegMax + net.BaseClasses)
                    throw new BaseModelException($"base model '{net.Base.Path}': head shape '{name}' is [{string.Join(",", dims)}], expected [1,{4 * YoloNet.RegMax + net.BaseClasses},-1]");
                dims[1] = channels;
                shape.RawData = ByteString.CopyFrom(dims.SelectMany(BitConverter.GetBytes).ToArray());
                shape.Int64Data.Clear();
            }
            var outDims = proto.Graph.Output[0].Type.TensorType.Shape.Dim;
            if (outDims.Count == 3) outDims[1].DimValue = 4 + net.NumClasses;
            // Shapes recorded for intermediate values would now be wrong; ONNX Runtime infers them again.
            proto.Graph.ValueInfo.Clear();
        }

        var meta = proto.MetadataProps;
        Set(meta, "names", BaseModel.FormatNames(classNames));
        Set(meta, "description", $"YOLOv8 fine-tuned by DeskVision from {Path.GetFileName(net.Base.Path)}");
        foreach (var (k, v) in runMetadata) Set(meta, k, v);

        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + $".tmp-{Environment.ProcessId}";
        try
        {
            using (var stream = File.Create(temp)) proto.WriteTo(stream);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Gives a trained model back the base model's own answers for the classes its data did not label (decision 15):
    /// the base graph is added beside the trained one on the same input, the trained branch keeps its rows for
    /// <paramref name="trainedClasses"/> and the base branch its rows for every other base class (the rest of each is
    /// zeroed), and the two are concatenated along the candidates: output [1, 4+nc, 2A]. Layers whose weights training
    /// did not change (a frozen backbone) are not duplicated: both branches read them once.
    /// </summary>
    public static void AddBaseBranch(ModelProto trained, ModelProto stock, IReadOnlySet<int> trainedClasses)
    {
        var g = trained.Graph;
        var trainedInits = g.Initializer.ToDictionary(t => t.Name);
        var stockInits = stock.Graph.Initializer.ToDictionary(t => t.Name);
        string output = g.Output[0].Name;
        if (stock.Graph.Output[0].Name != output || stock.Graph.Node.Count != g.Node.Count)
            throw new BaseModelException("the trained graph is not the base graph with new weights: cannot add the base branch");
        int channels = (int)g.Output[0].Type.TensorType.Shape.Dim[1].DimValue, baseChannels = (int)stock.Graph.Output[0].Type.TensorType.Shape.Dim[1].DimValue;
        if (baseChannels - 4 <= 0 || channels < baseChannels) throw new BaseModelException($"output rows {channels} against the base's {baseChannels}");

        // Walk the base graph in its (topological) order; a node is copied into the base branch when it reads a value
        // that differs there: a weight training changed, or the output of a node already copied.
        var renamed = new Dictionary<string, string>();
        foreach (var node in stock.Graph.Node)
        {
            bool differs = node.Input.Any(i => renamed.ContainsKey(i) || (stockInits.TryGetValue(i, out var s) && !(trainedInits.TryGetValue(i, out var t) && SameValues(s, t))));
            if (!differs) continue;
            var copy = node.Clone();
            copy.Name = "base/" + node.Name;
            for (int k = 0; k < copy.Input.Count; k++)
            {
                string i = copy.Input[k];
                if (renamed.TryGetValue(i, out var r)) copy.Input[k] = r;
                else if (stockInits.TryGetValue(i, out var s) && !(trainedInits.TryGetValue(i, out var t) && SameValues(s, t)))
                {
                    string name = "base/" + i;
                    if (!trainedInits.ContainsKey(name))
                    {
                        var init = s.Clone();
                        init.Name = name;
                        g.Initializer.Add(init);
                        trainedInits[name] = init;
                    }
                    copy.Input[k] = name;
                }
            }
            for (int k = 0; k < copy.Output.Count; k++)
                if (copy.Output[k].Length > 0) copy.Output[k] = renamed[node.Output[k]] = "base/" + node.Output[k];
            g.Node.Add(copy);
        }
        if (!renamed.TryGetValue(output, out var baseOutput))
            return; // training changed nothing that reaches the output: the trained graph already is the base

        // The trained head now writes "trained/output0"; masks pick each branch's rows; the base branch is padded to the
        // trained row count (new classes) and the two are joined along the candidates.
        foreach (var node in g.Node)
            for (int k = 0; k < node.Output.Count; k++)
                if (node.Output[k] == output) node.Output[k] = "trained/" + output;
        var keepTrained = new float[channels];
        var keepBase = new float[baseChannels];
        for (int r = 0; r < channels; r++) keepTrained[r] = r < 4 || trainedClasses.Contains(r - 4) ? 1 : 0;
        for (int r = 0; r < baseChannels; r++) keepBase[r] = r < 4 || !trainedClasses.Contains(r - 4) ? 1 : 0;
        g.Initializer.Add(FloatTensor("branch/keep_trained", keepTrained, [1, channels, 1]));
        g.Initializer.Add(FloatTensor("branch/keep_base", keepBase, [1, baseChannels, 1]));
        g.Node.Add(Node("Mul", "branch/trained", ["trained/" + output, "branch/keep_trained"], "branch/trained_rows"));
        g.Node.Add(Node("Mul", "branch/base", [baseOutput, "branch/keep_base"], "branch/base_rows"));
        string baseRows = "branch/base_rows";
        if (channels > baseChannels)
        {
            g.Initializer.Add(new TensorProto { Name = "branch/pads", DataType = (int)TensorProto.Types.DataType.Int64, Dims = { 6 },
                Int64Data = { 0, 0, 0, 0, channels - baseChannels, 0 } });
            g.Node.Add(Node("Pad", "branch/pad", [baseRows, "branch/pads"], "branch/base_padded"));
            baseRows = "branch/base_padded";
        }
        var concat = Node("Concat", "branch/concat", ["branch/trained_rows", baseRows], output);
        concat.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 2 });
        g.Node.Add(concat);
        var dims = g.Output[0].Type.TensorType.Shape.Dim;
        if (dims.Count == 3 && dims[2].DimValue > 0) dims[2].DimValue *= 2;
        g.ValueInfo.Clear();
    }

    private static NodeProto Node(string op, string name, string[] inputs, string output)
    {
        var n = new NodeProto { OpType = op, Name = name, Output = { output } };
        n.Input.AddRange(inputs);
        return n;
    }

    private static TensorProto FloatTensor(string name, float[] values, long[] dims)
    {
        var bytes = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(bytes) };
        t.Dims.AddRange(dims);
        return t;
    }

    /// <summary>Same dims and the same values, whichever field (raw or typed) each file keeps them in.</summary>
    private static bool SameValues(TensorProto a, TensorProto b)
    {
        if (a.DataType != b.DataType || !a.Dims.SequenceEqual(b.Dims)) return false;
        if (a.DataType == (int)TensorProto.Types.DataType.Float) return Floats(a).AsSpan().SequenceEqual(Floats(b));
        if (a.DataType == (int)TensorProto.Types.DataType.Int64) return Longs(a).AsSpan().SequenceEqual(Longs(b));
        return a.Equals(b);
    }

    private static float[] Floats(TensorProto t) =>
        t.RawData.Length > 0 ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray() : [.. t.FloatData];

    private static void SetFloats(TensorProto t, Tensor value)
    {
        using var cpu = value.detach().cpu().contiguous().to_type(ScalarType.Float32);
        var data = cpu.data<float>().ToArray();
        var bytes = new byte[data.Length * 4];
        Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
        t.RawData = ByteString.CopyFrom(bytes);
        t.FloatData.Clear();
        t.Dims.Clear();
        t.Dims.AddRange(value.shape);
    }

    private static long[] Longs(TensorProto t) =>
        t.RawData.Length > 0
            ? [.. Enumerable.Range(0, t.RawData.Length / 8).Select(i => BitConverter.ToInt64(t.RawData.Span.Slice(i * 8, 8)))]
            : [.. t.Int64Data];

    private static void Set(Google.Protobuf.Collections.RepeatedField<StringStringEntryProto> meta, string key, string value)
    {
        var entry = meta.FirstOrDefault(e => e.Key == key);
        if (entry is null) meta.Add(new StringStringEntryProto { Key = key, Value = value });
        else entry.Value = value;
    }
}
