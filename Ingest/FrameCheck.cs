using OpenCvSharp;

namespace DeskVision.Ingest;

/// <summary>
/// Pictures a camera sends that decode fine but show nothing to audit: an all-black frame (lens covered, camera dark)
/// or a frozen one (the same bytes as last time: the encoder hung). Auditing them would score an empty window.
/// </summary>
public static class FrameCheck
{
    /// <summary>Mean grey level below which, with almost no variation, the frame is black.</summary>
    public const double BlackMean = 12, BlackSpread = 6;

    /// <param name="image">The frame in colour, or a grey copy of it (the audit passes the grey working copy it already has).</param>
    public static void ThrowIfBlack(Mat image)
    {
        // Judged on a 64×64 thumbnail: sensor noise averages out there, so a dark frame's spread stays small.
        using var small = new Mat();
        Cv2.Resize(image, small, new Size(64, 64), 0, 0, InterpolationFlags.Area);
        using var grey = new Mat();
        if (small.Channels() == 1) small.CopyTo(grey);
        else Cv2.CvtColor(small, grey, ColorConversionCodes.BGR2GRAY);
        Cv2.MeanStdDev(grey, out var mean, out var spread);
        if (mean.Val0 < BlackMean && spread.Val0 < BlackSpread)
            throw new BadSnapshotException($"all-black frame (mean grey {mean.Val0:0.0}): lens covered or camera dark");
    }

    public static string Hash(byte[] image) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(image));

    public static void ThrowIfFrozen(byte[] image, string? previousHash)
    {
        if (previousHash is not null && Hash(image) == previousHash)
            throw new BadSnapshotException("frozen frame: byte for byte the same picture as the previous snapshot");
    }
}
