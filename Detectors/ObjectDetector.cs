using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;

namespace DeskVision.Detectors;

/// <summary>
/// A YOLO-style ONNX detector run in ONNX Runtime. Handles the two common output layouts:
/// [1, 4+C, N] (YOLOv8/v11: box then class scores, no objectness) and [1, N, 5+C] (YOLOv5: box, objectness, scores).
/// One instance per process: calls are serialised by one lock, so every buffer (canvas, planes, input and output tensors)
/// is allocated once and reused; a call allocates only the detections it returns.
/// </summary>
public sealed partial class ObjectDetector : IDisposable
{
    private readonly InferenceSession _session;
    private readonly DetectorOptions _options;
    private readonly string _inputName, _outputName;
    private readonly int _inputWidth, _inputHeight;
    private readonly bool _yolov5Layout;
    private readonly int _candidates;
    private readonly float[] _input, _output;
    private readonly OrtValue _inputValue, _outputValue;
    private readonly OrtIoBinding _binding;
    private readonly RunOptions _runOptions = new();
    // Preprocessing targets, reused: the letterboxed BGR canvas, its three byte planes, and three float
    // headers over the R, G and B planes of _input (pinned), so converting writes straight into the tensor.
    private readonly Mat _canvas;
    private readonly Mat[] _bytePlanes, _inputPlanes;
    private readonly Lock _gate = new();

    public IReadOnlyList<string> Labels { get; }

    /// <summary>File name and the start of its sha256, so an audit records exactly which weights judged it.</summary>
    public string ModelId { get; }

    public ObjectDetector(DetectorOptions options)
    {
        _options = options;
        string path = options.ModelPath;
        if (!File.Exists(path)) throw new ModelLoadException($"model file '{path}' not found");

        var so = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount,
            InterOpNumThreads = 1,
        };
        // No busy-waiting between operators: a worker shares its cores with PostgreSQL, the web app and its second job
        // loop, which spinning threads starve (yolov8n, 2 cores: 776 audits/min spinning, 882 not; BENCHMARKS.md).
        so.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        try
        {
            _session = new InferenceSession(path, so);
        }
        catch (Exception e) when (e is OnnxRuntimeException or InvalidOperationException or ArgumentException)
        {
            throw new ModelLoadException($"model file '{path}' could not be loaded as an ONNX model: {FirstLine(e.Message)}", e);
        }

        try
        {
            if (_session.InputMetadata.Count != 1 || _session.OutputMetadata.Count < 1)
                throw new ModelLoadException($"model file '{path}' is not a single-input detector (inputs: {_session.InputMetadata.Count})");
            var (inName, inMeta) = _session.InputMetadata.First();
            var (outName, outMeta) = _session.OutputMetadata.First();
            int[] inDims = inMeta.Dimensions, outDims = outMeta.Dimensions;
            if (inMeta.ElementType != typeof(float) || inDims.Length != 4 || (inDims[1] != 3 && inDims[1] > 0))
                throw new ModelLoadException(
                    $"model file '{path}': input '{inName}' is [{string.Join(",", inDims)}] {inMeta.ElementType.Name}, expected float [1,3,H,W]");
            _inputName = inName;
            _outputName = outName;
            _inputHeight = inDims[2] > 0 ? inDims[2] : 640;
            _inputWidth = inDims[3] > 0 ? inDims[3] : 640;

            Labels = ReadLabels(path, _session);
            int classes = Labels.Count;
            if (outDims.Length != 3)
                throw new ModelLoadException($"model file '{path}': output '{outName}' is [{string.Join(",", outDims)}], expected [1, 4+C, N] or [1, N, 5+C]");
            if (outDims[1] == 4 + classes) { _yolov5Layout = false; _candidates = outDims[2]; }
            else if (outDims[2] == 5 + classes) { _yolov5Layout = true; _candidates = outDims[1]; }
            else
                throw new ModelLoadException(
                    $"model file '{path}': output [{string.Join(",", outDims)}] does not fit {classes} class names (expected [1,{4 + classes},N] or [1,N,{5 + classes}])");
            if (_candidates <= 0)
                throw new ModelLoadException($"model file '{path}': output has a dynamic candidate count; export it with a fixed input size");

            ModelId = $"{Path.GetFileName(path)}@{Sha256Prefix(path)}";

            // On the pinned object heap: OpenCV writes into it through raw pointers, so it must never move.
            _input = GC.AllocateArray<float>(3 * _inputHeight * _inputWidth, pinned: true);
            _output = new float[_candidates * (classes + (_yolov5Layout ? 5 : 4))];
            _inputValue = OrtValue.CreateTensorValueFromMemory(_input, [1, 3, _inputHeight, _inputWidth]);
            _outputValue = OrtValue.CreateTensorValueFromMemory(_output,
                _yolov5Layout ? [1, _candidates, 5 + classes] : [1, 4 + classes, _candidates]);
            // Bound once: a run then passes no names or value lists across to the native side.
            _binding = _session.CreateIoBinding();
            _binding.BindInput(_inputName, _inputValue);
            _binding.BindOutput(_outputName, _outputValue);

            _canvas = new Mat(_inputHeight, _inputWidth, MatType.CV_8UC3);
            _bytePlanes = [.. Enumerable.Range(0, 3).Select(_ => new Mat(_inputHeight, _inputWidth, MatType.CV_8UC1))];
            nint inputStart = Marshal.UnsafeAddrOfPinnedArrayElement(_input, 0);
            int planeBytes = _inputHeight * _inputWidth * sizeof(float);
            _inputPlanes = [.. Enumerable.Range(0, 3).Select(c => Mat.FromPixelData(_inputHeight, _inputWidth, MatType.CV_32FC1, inputStart + c * planeBytes))];
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    public (int Width, int Height) InputSize => (_inputWidth, _inputHeight);

    /// <summary>Detects objects in a BGR image; boxes are in that image's pixels.</summary>
    public IReadOnlyList<Detection> Detect(Mat bgr, float? minConfidence = null)
    {
        if (bgr.Empty()) throw new ArgumentException("empty image", nameof(bgr));
        float threshold = minConfidence ?? _options.MinConfidence;
        lock (_gate)
        {
            var letterbox = Preprocess(bgr);
            _session.RunWithBinding(_runOptions, _binding);
            return Decode(threshold, letterbox, bgr.Width, bgr.Height);
        }
    }

    /// <summary>The model alone on the input the last <see cref="Detect"/> left in the buffer: what the benchmark calls raw.</summary>
    public void RunModel()
    {
        lock (_gate) _session.RunWithBinding(_runOptions, _binding);
    }

    /// <summary>A copy of the model input the last <see cref="Detect"/> prepared, so a peer runtime can be timed on exactly the same tensor.</summary>
    public float[] CopyInput()
    {
        lock (_gate) return (float[])_input.Clone();
    }

    private readonly record struct Letterbox(float Scale, int PadX, int PadY);

    /// <summary>
    /// Resize keeping aspect ratio, pad with grey 114 (as the model was trained), then NCHW RGB/255 written straight into
    /// the input tensor: the same numbers <c>CvDnn.BlobFromImage(canvas, 1/255, swapRB: true)</c> gives, without its
    /// 4.9 MB blob and the copy out of it.
    /// </summary>
    private Letterbox Preprocess(Mat bgr)
    {
        float scale = Math.Min((float)_inputWidth / bgr.Width, (float)_inputHeight / bgr.Height);
        int w = Math.Max(1, (int)Math.Round(bgr.Width * scale)), h = Math.Max(1, (int)Math.Round(bgr.Height * scale));
        int padX = (_inputWidth - w) / 2, padY = (_inputHeight - h) / 2;

        _canvas.SetTo(new Scalar(114, 114, 114));
        using (var roi = new Mat(_canvas, new Rect(padX, padY, w, h)))
        {
            if (w == bgr.Width && h == bgr.Height) bgr.CopyTo(roi);
            else Cv2.Resize(bgr, roi, new Size(w, h), 0, 0, InterpolationFlags.Linear);
        }
        // BGR → R, G, B planes (the model wants RGB), then each plane to float /255 into its place in the tensor.
        Cv2.MixChannels([_canvas], _bytePlanes, [2, 0, 1, 1, 0, 2]);
        for (int c = 0; c < 3; c++)
            _bytePlanes[c].ConvertTo(_inputPlanes[c], MatType.CV_32FC1, 1.0 / 255);
        return new Letterbox(scale, padX, padY);
    }

    private List<Detection> Decode(float threshold, Letterbox lb, int imageWidth, int imageHeight)
    {
        int classes = Labels.Count, n = _candidates;
        var candidates = new List<(int Anchor, int Class, float Score)>();
        ReadOnlySpan<float> o = _output;
        if (!_yolov5Layout)
        {
            // Class-major rows: each class's scores for all anchors are contiguous, so this scan is cache-friendly.
            for (int c = 0; c < classes; c++)
            {
                var row = o.Slice((4 + c) * n, n);
                for (int i = 0; i < n; i++)
                    if (row[i] >= threshold) candidates.Add((i, c, row[i]));
            }
        }
        else
        {
            int stride = 5 + classes;
            for (int i = 0; i < n; i++)
            {
                var rec = o.Slice(i * stride, stride);
                float obj = rec[4];
                if (obj < threshold) continue;
                for (int c = 0; c < classes; c++)
                {
                    float s = obj * rec[5 + c];
                    if (s >= threshold) candidates.Add((i, c, s));
                }
            }
        }

        candidates.Sort((a, b) => b.Score.CompareTo(a.Score));
        if (candidates.Count > 30_000) candidates.RemoveRange(30_000, candidates.Count - 30_000);

        var boxes = new Box[candidates.Count];
        for (int k = 0; k < candidates.Count; k++) boxes[k] = ToImageBox(candidates[k].Anchor, lb, imageWidth, imageHeight);

        var kept = Nms.ClassAware(boxes, candidates.ConvertAll(c => c.Class), _options.NmsIoU, _options.MaxDetections);
        var result = new List<Detection>(kept.Count);
        foreach (int k in kept)
        {
            var (_, c, s) = candidates[k];
            result.Add(new Detection(Labels[c], c, s, boxes[k]));
        }
        return result;
    }

    private Box ToImageBox(int anchor, Letterbox lb, int imageWidth, int imageHeight)
    {
        float cx, cy, w, h;
        if (!_yolov5Layout)
        {
            int n = _candidates;
            cx = _output[anchor]; cy = _output[n + anchor]; w = _output[2 * n + anchor]; h = _output[3 * n + anchor];
        }
        else
        {
            int at = anchor * (5 + Labels.Count);
            cx = _output[at]; cy = _output[at + 1]; w = _output[at + 2]; h = _output[at + 3];
        }
        float x1 = (cx - w / 2 - lb.PadX) / lb.Scale, y1 = (cy - h / 2 - lb.PadY) / lb.Scale;
        float x2 = (cx + w / 2 - lb.PadX) / lb.Scale, y2 = (cy + h / 2 - lb.PadY) / lb.Scale;
        return new Box(Math.Clamp(x1, 0, imageWidth), Math.Clamp(y1, 0, imageHeight),
                       Math.Clamp(x2, 0, imageWidth), Math.Clamp(y2, 0, imageHeight));
    }

    private static IReadOnlyList<string> ReadLabels(string modelPath, InferenceSession session)
    {
        string namesFile = Path.ChangeExtension(modelPath, ".names");
        if (File.Exists(namesFile))
        {
            var lines = File.ReadAllLines(namesFile).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
            if (lines.Count == 0) throw new ModelLoadException($"labels file '{namesFile}' is empty");
            return lines;
        }
        if (session.ModelMetadata.CustomMetadataMap.TryGetValue("names", out var names))
        {
            // Ultralytics writes a Python dict literal: {0: 'person', 1: 'bicycle', ...}
            var pairs = NamesEntry().Matches(names).Select(m => (Id: int.Parse(m.Groups[1].Value), Name: m.Groups[3].Value)).ToList();
            if (pairs.Count > 0 && pairs.Select(p => p.Id).Order().SequenceEqual(Enumerable.Range(0, pairs.Count)))
                return pairs.OrderBy(p => p.Id).Select(p => p.Name).ToList();
            throw new ModelLoadException($"model file '{modelPath}': metadata 'names' could not be read as {{0: 'name', ...}}");
        }
        throw new ModelLoadException(
            $"model file '{modelPath}' has no class names: add metadata 'names' or a labels file '{Path.GetFileName(namesFile)}' beside it");
    }

    [GeneratedRegex(@"(\d+)\s*:\s*(['""])(.*?)\2")]
    private static partial Regex NamesEntry();

    private static string Sha256Prefix(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream))[..12];
    }

    private static string FirstLine(string s) => s.Split('\n', 2)[0].Trim();

    public void Dispose()
    {
        foreach (var m in _bytePlanes.Concat(_inputPlanes)) m.Dispose();
        _canvas.Dispose();
        _binding.Dispose();
        _runOptions.Dispose();
        _inputValue.Dispose();
        _outputValue.Dispose();
        _session.Dispose();
    }
}
