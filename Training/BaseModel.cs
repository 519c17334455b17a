using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Onnx;

namespace DeskVision.Training;

/// <summary>A base model refused: missing, not ONNX, or not the YOLOv8 detection graph the trainer rebuilds.</summary>
public sealed class BaseModelException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A YOLOv8 detection ONNX file as exported by its authors: the graph, its float initializers (batch-norm already folded
/// into the convolutions), each convolution's stride and padding, and the class names from the metadata.
/// </summary>
public sealed partial class BaseModel
{
    public ModelProto Proto { get; }
    public string Path { get; }
    public string Sha256 { get; }
    public IReadOnlyList<string> ClassNames { get; }
    public int InputSize { get; }

    private readonly Dictionary<string, TensorProto> _initializers;
    private readonly Dictionary<string, (int Stride, int Padding)> _convs = [];
    private readonly HashSet<string> _adds;

    private BaseModel(string path, byte[] bytes)
    {
        Path = path;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        try
        {
            Proto = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new BaseModelException($"base model '{path}' is not an ONNX file (or is truncated): {e.Message}", e);
        }
        var g = Proto.Graph ?? throw new BaseModelException($"base model '{path}' has no graph");
        _initializers = g.Initializer.ToDictionary(t => t.Name);
        foreach (var n in g.Node.Where(n => n.OpType == "Conv" && n.Input.Count >= 2))
        {
            var strides = n.Attribute.FirstOrDefault(a => a.Name == "strides")?.Ints;
            var pads = n.Attribute.FirstOrDefault(a => a.Name == "pads")?.Ints;
            _convs[n.Input[1]] = ((int)(strides?.FirstOrDefault() ?? 1), (int)(pads?.FirstOrDefault() ?? 0));
        }
        _adds = [.. g.Node.Where(n => n.OpType == "Add").Select(n => n.Name)];
        if (!_initializers.ContainsKey("model.0.conv.weight") || !_initializers.ContainsKey("model.22.dfl.conv.weight"))
            throw new BaseModelException($"base model '{path}' is not a YOLOv8 detection model (no model.0 / model.22.dfl weights)");
        ClassNames = ReadNames(path, Proto);
        var dims = g.Input.Count == 1 ? g.Input[0].Type?.TensorType?.Shape?.Dim : null;
        InputSize = dims is { Count: 4 } && dims[2].DimValue > 0 ? (int)dims[2].DimValue : 640;
        int clsOut = (int)Tensor("model.22.cv3.0.2.weight").Dims[0];
        if (clsOut != ClassNames.Count)
            throw new BaseModelException($"base model '{path}': {ClassNames.Count} class names in its metadata but {clsOut} class outputs");
    }

    /// <summary>Reads a base model: <c>n</c>, <c>s</c>, <c>m</c> (the shipped tiers in <paramref name="modelsFolder"/>) or a path.</summary>
    public static BaseModel Load(string setting, string modelsFolder)
    {
        string path = setting is "n" or "s" or "m" or "l" or "x"
            ? System.IO.Path.Combine(modelsFolder, $"yolov8{setting}.onnx")
            : System.IO.Path.GetFullPath(setting);
        if (!File.Exists(path)) throw new BaseModelException($"base model '{path}' not found");
        return new BaseModel(path, File.ReadAllBytes(path));
    }

    public bool Has(string initializer) => _initializers.ContainsKey(initializer);

    public TensorProto Tensor(string name) =>
        _initializers.TryGetValue(name, out var t) ? t : throw new BaseModelException($"base model '{Path}': initializer '{name}' missing");

    public long[] Shape(string name) => [.. Tensor(name).Dims];

    public float[] Floats(string name)
    {
        var t = Tensor(name);
        if (t.DataType != (int)TensorProto.Types.DataType.Float)
            throw new BaseModelException($"base model '{Path}': initializer '{name}' is not float32");
        if (t.RawData.Length > 0)
        {
            var result = new float[t.RawData.Length / 4];
            Buffer.BlockCopy(t.RawData.ToByteArray(), 0, result, 0, result.Length * 4);
            return result;
        }
        return [.. t.FloatData];
    }

    /// <summary>Stride and padding of the convolution whose weight is <paramref name="weight"/>.</summary>
    public (int Stride, int Padding) Conv(string weight) =>
        _convs.TryGetValue(weight, out var c) ? c : throw new BaseModelException($"base model '{Path}': no convolution uses '{weight}'");

    /// <summary>Whether the graph has an Add node of that name (a C2f bottleneck with its shortcut).</summary>
    public bool HasAdd(string nodeName) => _adds.Contains(nodeName);

    public string Metadata(string key) => Proto.MetadataProps.FirstOrDefault(p => p.Key == key)?.Value ?? "";

    private static IReadOnlyList<string> ReadNames(string path, ModelProto proto)
    {
        string names = proto.MetadataProps.FirstOrDefault(p => p.Key == "names")?.Value
            ?? throw new BaseModelException($"base model '{path}' has no 'names' metadata");
        var pairs = NamesEntry().Matches(names).Select(m => (Id: int.Parse(m.Groups[1].Value), Name: m.Groups[3].Value)).ToList();
        if (pairs.Count == 0 || !pairs.Select(p => p.Id).Order().SequenceEqual(Enumerable.Range(0, pairs.Count)))
            throw new BaseModelException($"base model '{path}': metadata 'names' could not be read as {{0: 'name', ...}}");
        return [.. pairs.OrderBy(p => p.Id).Select(p => p.Name)];
    }

    /// <summary>The metadata format the base uses (a Python dict literal), which <c>ObjectDetector</c> reads.</summary>
    public static string FormatNames(IReadOnlyList<string> names) =>
        "{" + string.Join(", ", names.Select((n, i) => $"{i}: '{n.Replace("'", "")}'")) + "}";

    [GeneratedRegex(@"(\d+)\s*:\s*(['""])(.*?)\2")]
    private static partial Regex NamesEntry();
}
