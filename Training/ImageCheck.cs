using OpenCvSharp;

namespace DeskVision.Training;

/// <summary>
/// Whether an image file will decode, checked cheaply before a run starts rather than failing an hour in: the format's
/// start and end markers (a cut-off download lacks its end) and a decode at 1/8 size, which reads every entropy-coded
/// byte of a JPEG but builds only a thumbnail.
/// </summary>
public static class ImageCheck
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly byte[] PngEnd = [0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82]; // "IEND" and its CRC

    /// <summary>Why the image cannot be used, or null when it can.</summary>
    public static string? Problem(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (IOException e) { return $"cannot be read: {e.Message}"; }
        if (bytes.Length == 0) return "empty file (0 bytes)";

        if (bytes.Length >= 2 && bytes[0] == 0xFF && bytes[1] == 0xD8)
        {
            if (!EndsWith(bytes, [0xFF, 0xD9])) return $"truncated JPEG ({bytes.Length} bytes, no end-of-image marker)";
        }
        else if (bytes.AsSpan().StartsWith(PngSignature))
        {
            if (!EndsWith(bytes, PngEnd)) return $"truncated PNG ({bytes.Length} bytes, no IEND chunk)";
        }

        try
        {
            using var thumb = Cv2.ImDecode(bytes, ImreadModes.ReducedGrayscale8);
            if (thumb.Empty()) return "not a decodable image (corrupt data or unknown format)";
        }
        catch (OpenCVException e)
        {
            return $"not a decodable image: {e.Message}";
        }
        return null;
    }

    /// <summary>Cameras and tools pad after the end marker; look at the last few bytes, not only the final ones.</summary>
    private static bool EndsWith(byte[] bytes, ReadOnlySpan<byte> marker)
    {
        int from = Math.Max(0, bytes.Length - 64 - marker.Length);
        return bytes.AsSpan(from).IndexOf(marker) >= 0;
    }
}
