using OpenCvSharp;

namespace DeskVision.Detectors;

/// <summary>
/// Small objects on a whole frame: letterboxing a 1920×1080 view to 640 leaves a desk phone a dozen pixels wide. This
/// runs the detector on the full frame and on a grid of overlapping tiles (each scaled up to the model's input), then
/// merges them with class-aware NMS. A tile's box that touches an inner tile edge is a cut-off piece of a larger object
/// that the full frame or the neighbouring tile sees whole, so it is dropped.
/// </summary>
public static class TiledDetection
{
    /// <param name="grid">Tiles per side (2 → 2×2 tiles + the full frame = 5 model runs).</param>
    /// <param name="overlap">Share of a tile shared with its neighbour, so an object on a seam is whole in one of them.</param>
    public static IReadOnlyList<Detection> Detect(ObjectDetector detector, Mat image, float? minConfidence = null, int grid = 2,
        float overlap = 0.25f, float mergeIoU = 0.6f)
    {
        var all = new List<Detection>(detector.Detect(image, minConfidence));
        foreach (var tile in Tiles(image.Width, image.Height, grid, overlap))
        {
            using var view = new Mat(image, tile);
            foreach (var d in detector.Detect(view, minConfidence))
            {
                var box = new Box(d.Box.X1 + tile.X, d.Box.Y1 + tile.Y, d.Box.X2 + tile.X, d.Box.Y2 + tile.Y);
                if (CutByInnerEdge(box, tile, image.Width, image.Height)) continue;
                all.Add(d with { Box = box });
            }
        }
        all.Sort((a, b) => b.Confidence.CompareTo(a.Confidence));
        var kept = Nms.ClassAware(all.Select(d => d.Box).ToList(), all.Select(d => d.ClassId).ToList(), mergeIoU, 300);
        return kept.Select(i => all[i]).ToList();
    }

    public static IEnumerable<Rect> Tiles(int width, int height, int grid, float overlap)
    {
        if (grid < 2) yield break;
        int tw = (int)Math.Ceiling(width / (grid - (grid - 1) * overlap)), th = (int)Math.Ceiling(height / (grid - (grid - 1) * overlap));
        tw = Math.Min(tw, width); th = Math.Min(th, height);
        for (int r = 0; r < grid; r++)
            for (int c = 0; c < grid; c++)
            {
                int x = grid == 1 ? 0 : (int)Math.Round((double)c * (width - tw) / (grid - 1));
                int y = grid == 1 ? 0 : (int)Math.Round((double)r * (height - th) / (grid - 1));
                yield return new Rect(x, y, tw, th);
            }
    }

    private static bool CutByInnerEdge(Box b, Rect tile, int width, int height)
    {
        const float margin = 2;
        return (b.X1 <= tile.X + margin && tile.X > 0) || (b.Y1 <= tile.Y + margin && tile.Y > 0)
            || (b.X2 >= tile.Right - margin && tile.Right < width) || (b.Y2 >= tile.Bottom - margin && tile.Bottom < height);
    }
}
