using OpenCvSharp;

namespace DeskVision.Tools;

/// <summary>
/// What a live camera sends of a scene where nothing moves: the same picture with fresh sensor noise (σ 2 grey levels)
/// and its own JPEG encoding every time, so never the same bytes twice (that would be a frozen camera). Used by the
/// demo and soak cameras, the benchmark's still bursts and the tests of skipping unchanged frames.
/// </summary>
public static class StillScene
{
    /// <param name="seed">Which noise: the same seed gives the same frame. Use 1 or more (OpenCV's RNG treats 0 specially).</param>
    public static byte[] Frame(Mat scene, int seed)
    {
        using var noise = new Mat(scene.Size(), MatType.CV_16SC3);
        new RNG((ulong)seed).Fill(noise, DistributionType.Normal, new Scalar(0, 0, 0), new Scalar(2, 2, 2));
        using var wide = new Mat();
        scene.ConvertTo(wide, MatType.CV_16SC3);
        Cv2.Add(wide, noise, wide);
        using var noisy = new Mat();
        wide.ConvertTo(noisy, MatType.CV_8UC3);
        return noisy.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
    }

    /// <summary>As <see cref="Frame(Mat, int)"/>, from the JPEG or PNG bytes of the scene.</summary>
    public static byte[] Frame(byte[] picture, int seed)
    {
        using var scene = Cv2.ImDecode(picture, ImreadModes.Color);
        return Frame(scene, seed);
    }
}
