using System.Buffers.Binary;
using OpenCvSharp;

namespace DeskVision.Ingest;

/// <summary>Turns encoded snapshot bytes into a BGR image, or says clearly why it cannot.</summary>
public static class SnapshotImage
{
    /// <summary>Largest frame accepted: 64 MP covers 8K cameras and keeps a decompression bomb from taking gigabytes.</summary>
    public const long MaxPixels = 64_000_000;

    public static Mat Decode(byte[] bytes)
    {
        if (bytes.Length == 0) throw new BadSnapshotException("empty snapshot (0 bytes)");
        var (format, width, height) = ReadHeader(bytes);
        if (width <= 0 || height <= 0) throw new BadSnapshotException($"{format} header gives an invalid size {width}×{height}");
        if ((long)width * height > MaxPixels)
            throw new BadSnapshotException($"{format} of {width}×{height} exceeds the {MaxPixels / 1_000_000} MP limit");
        if (format == "JPEG" && !HasEndOfImage(bytes))
            throw new BadSnapshotException($"truncated JPEG ({bytes.Length} bytes, no end-of-image marker)");

        Mat image;
        try { image = Cv2.ImDecode(bytes, ImreadModes.Color); }
        catch (OpenCVException e) { throw new BadSnapshotException($"{format} could not be decoded: {e.Message}", e); }
        if (image.Empty())
        {
            image.Dispose();
            throw new BadSnapshotException($"{format} could not be decoded (corrupt data)");
        }
        return image;
    }

    /// <summary>Reads the format and size from the header, without decoding pixels.</summary>
    private static (string Format, int Width, int Height) ReadHeader(byte[] b)
    {
        if (b.Length >= 24 && b.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }))
            return ("PNG", (int)BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(16)), (int)BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(20)));
        if (b.Length >= 4 && b[0] == 0xFF && b[1] == 0xD8)
        {
            // Walk the JPEG segments to the start-of-frame marker, which holds the size.
            int i = 2;
            while (i + 9 < b.Length)
            {
                if (b[i] != 0xFF) { i++; continue; }
                byte marker = b[i + 1];
                if (marker == 0xFF) { i++; continue; }
                if (marker is 0xD8 or 0x01 || marker is >= 0xD0 and <= 0xD7) { i += 2; continue; }
                int length = BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(i + 2));
                if (marker is >= 0xC0 and <= 0xCF && marker is not 0xC4 and not 0xC8 and not 0xCC)
                    return ("JPEG", BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(i + 7)), BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(i + 5)));
                if (marker == 0xDA) break;
                i += 2 + length;
            }
            throw new BadSnapshotException($"JPEG without a readable frame header ({b.Length} bytes): corrupt or truncated");
        }
        string start = Convert.ToHexString(b.AsSpan(0, Math.Min(4, b.Length)));
        throw new BadSnapshotException($"not a JPEG or PNG image (starts with 0x{start}, {b.Length} bytes)");
    }

    private static bool HasEndOfImage(byte[] b)
    {
        // Some cameras pad after EOI; look at the last few bytes rather than only the final two.
        int from = Math.Max(2, b.Length - 64);
        for (int i = b.Length - 2; i >= from; i--)
            if (b[i] == 0xFF && b[i + 1] == 0xD9) return true;
        return false;
    }
}
