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
