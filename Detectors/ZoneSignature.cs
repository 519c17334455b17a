using System.Buffers.Binary;
using OpenCvSharp;

namespace DeskVision.Detectors;

/// <summary>
/// A small grey thumbnail of each judged zone of a frame, to tell cheaply whether anything in those zones changed since
/// an earlier frame, so the model need not run again on a scene it has already seen (burst frames, spot checks).
/// The frame is first scaled to the model's own view (<see cref="ModelSide"/> px on the long side), then each zone's
/// bounding rectangle is averaged into cells of <see cref="CellSide"/>×<see cref="CellSide"/> of those pixels: an object
/// smaller than one cell is below what the model can find anyway, while camera noise and JPEG artefacts average out.
/// Rectangles, not polygons: a change just outside a polygon's edge still counts, which errs on the side of running the model.
/// </summary>
public sealed class ZoneSignature
{
    public const int ModelSide = 640;
    public const int CellSide = 4;
    private const byte FormatVersion = 1;

    private readonly List<ZoneCells> _zones;

    private ZoneSignature(int width, int height, List<ZoneCells> zones)
    {
        Width = width;
        Height = height;
        _zones = zones;
    }

    /// <summary>Size of the scaled frame it was taken from: a frame of another shape is another view.</summary>
    public int Width { get; }
    public int Height { get; }
    public int ZoneCount => _zones.Count;

    /// <summary>One zone's cells: its name, its rectangle in the scaled frame, and its grey cell averages, row by row.</summary>
    private sealed record ZoneCells(string Name, Rect Rect, int Columns, int Rows, byte[] Cells);

    /// <param name="image">The frame in colour, or a grey copy of any size (the audit passes its 640 px working copy,
    /// which for a landscape camera is already the right size).</param>
    public static ZoneSignature Of(Mat image, IEnumerable<Zone> zones)
    {
        double f = (double)ModelSide / Math.Max(image.Width, image.Height);
        int sw = Math.Max(1, (int)Math.Round(image.Width * f)), sh = Math.Max(1, (int)Math.Round(image.Height * f));
        using var grey = Pictures.Grey(image);
        using var scaled = new Mat();
        if (grey.Width == sw && grey.Height == sh) grey.CopyTo(scaled);
        else Cv2.Resize(grey, scaled, new Size(sw, sh), 0, 0, InterpolationFlags.Area);

        var cells = new List<ZoneCells>();
        foreach (var zone in zones)
        {
            var b = zone.BoundsIn(sw, sh);
            int x1 = Math.Clamp((int)Math.Floor(b.X1), 0, sw - 1), y1 = Math.Clamp((int)Math.Floor(b.Y1), 0, sh - 1);
            int x2 = Math.Clamp((int)Math.Ceiling(b.X2), x1 + 1, sw), y2 = Math.Clamp((int)Math.Ceiling(b.Y2), y1 + 1, sh);
            var rect = new Rect(x1, y1, x2 - x1, y2 - y1);
            int columns = Math.Max(1, (rect.Width + CellSide - 1) / CellSide), rows = Math.Max(1, (rect.Height + CellSide - 1) / CellSide);
            using var crop = new Mat(scaled, rect);
            using var small = new Mat();
            Cv2.Resize(crop, small, new Size(columns, rows), 0, 0, InterpolationFlags.Area);
            var bytes = new byte[columns * rows];
            // One copy of the whole thumbnail: a fresh Resize output is continuous.
            System.Runtime.InteropServices.Marshal.Copy(small.Data, bytes, 0, bytes.Length);
            cells.Add(new ZoneCells(zone.Name, rect, columns, rows, bytes));
        }
        return new ZoneSignature(sw, sh, cells);
    }

    /// <summary>
    /// How much changed against an earlier signature: per zone, the cells whose grey average moved by more than
    /// <paramref name="pixelDelta"/> levels. A different frame size or different zones cannot be compared: then
    /// <see cref="ZoneChange.Comparable"/> is false and the caller must treat the frame as changed.
    /// </summary>
    public ZoneChange CompareWith(ZoneSignature earlier, int pixelDelta)
    {
        if (earlier.Width != Width || earlier.Height != Height)
            return ZoneChange.NotComparable($"frame size {Width}×{Height} differs from {earlier.Width}×{earlier.Height}");
        if (earlier._zones.Count != _zones.Count)
            return ZoneChange.NotComparable("the camera's zones changed");
        var changed = new List<(string Zone, int Cells)>(_zones.Count);
        for (int i = 0; i < _zones.Count; i++)
        {
            var now = _zones[i];
            var then = earlier._zones[i];
            if (now.Name != then.Name || now.Rect != then.Rect || now.Cells.Length != then.Cells.Length)
                return ZoneChange.NotComparable($"zone '{now.Name}' was redrawn");
            int count = 0;
            var a = now.Cells.AsSpan();
            var b = then.Cells.AsSpan();
            for (int k = 0; k < a.Length; k++)
                if (Math.Abs(a[k] - b[k]) > pixelDelta) count++;
            changed.Add((now.Name, count));
        }
        return new ZoneChange(true, null, changed);
    }

    /// <summary>Stored with the audit, so a later job in any worker process can compare against it.</summary>
    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8);
        w.Write(FormatVersion);
        w.Write(Width);
        w.Write(Height);
        w.Write(_zones.Count);
        foreach (var z in _zones)
        {
            w.Write(z.Name);
            w.Write(z.Rect.X); w.Write(z.Rect.Y); w.Write(z.Rect.Width); w.Write(z.Rect.Height);
            w.Write(z.Columns); w.Write(z.Rows);
            w.Write(z.Cells);
        }
        w.Flush();
        return stream.ToArray();
    }

    /// <summary>Null when the bytes are not a signature of this format (an older format, a damaged row): compare nothing then.</summary>
    public static ZoneSignature? FromBytes(byte[] bytes)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes), System.Text.Encoding.UTF8);
            if (r.ReadByte() != FormatVersion) return null;
            int width = r.ReadInt32(), height = r.ReadInt32(), count = r.ReadInt32();
            if (count is < 0 or > 64) return null;
            var zones = new List<ZoneCells>(count);
            for (int i = 0; i < count; i++)
            {
                string name = r.ReadString();
                var rect = new Rect(r.ReadInt32(), r.ReadInt32(), r.ReadInt32(), r.ReadInt32());
                int columns = r.ReadInt32(), rows = r.ReadInt32();
                if (columns <= 0 || rows <= 0 || columns * rows > ModelSide * ModelSide) return null;
                var cells = r.ReadBytes(columns * rows);
                if (cells.Length != columns * rows) return null;
                zones.Add(new ZoneCells(name, rect, columns, rows, cells));
            }
            return r.BaseStream.Position == bytes.Length ? new ZoneSignature(width, height, zones) : null;
        }
        catch (EndOfStreamException) { return null; }
    }
}

/// <summary>What changed between two signatures: per zone, the cells that moved by more than the pixel delta.</summary>
public sealed record ZoneChange(bool Comparable, string? Why, IReadOnlyList<(string Zone, int Cells)> ChangedCells)
{
    public static ZoneChange NotComparable(string why) => new(false, why, []);

    /// <summary>Unchanged when comparable and no zone has <paramref name="minChangedCells"/> or more changed cells.</summary>
    public bool IsUnchanged(int minChangedCells) => Comparable && ChangedCells.All(z => z.Cells < minChangedCells);

    public override string ToString() => Comparable
        ? string.Join(", ", ChangedCells.Select(z => $"{z.Zone} {z.Cells} cell(s) changed"))
        : $"not comparable: {Why}";
}
