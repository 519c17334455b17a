using DeskVision.Ingest;
using DeskVision.Tests.Fixtures;
using OpenCvSharp;

namespace DeskVision.Tests.Snapshots;

/// <summary>What a camera may send that is not a usable picture: each gets a clear reason, none crashes the process.</summary>
public sealed class BadSnapshotTests
{
    private static readonly byte[] RealJpeg = File.ReadAllBytes(TestData.Coco("000000000387.jpg"));

    private static string Reason(byte[] bytes) => Assert.Throws<BadSnapshotException>(() => SnapshotImage.Decode(bytes)).Message;

    [Fact]
    public void Real_jpeg_decodes_to_its_size()
    {
        using var image = SnapshotImage.Decode(RealJpeg);
        Assert.Equal((640, 480), (image.Width, image.Height));
    }

    [Fact]
    public void Truncated_jpeg_is_rejected_as_truncated()
    {
        Assert.Contains("truncated", Reason(RealJpeg[..(RealJpeg.Length / 2)]));
        Assert.Contains("truncated", Reason(RealJpeg[..(RealJpeg.Length - 2)]));
    }

    [Fact]
    public void Jpeg_cut_inside_its_header_is_rejected()
    {
        Assert.Contains("JPEG", Reason(RealJpeg[..100]));
    }

    [Fact]
    public void Zero_bytes_is_rejected_as_empty() => Assert.Contains("empty", Reason([]));

    [Fact]
    public void Text_file_named_jpg_is_rejected_as_not_an_image() =>
        Assert.Contains("not a JPEG or PNG", Reason("<html>401 Unauthorized</html>"u8.ToArray()));

    [Fact]
    public void Jpeg_with_corrupt_scan_data_is_rejected_or_decodes_to_its_declared_size()
    {
        // Random bytes in the middle of the entropy-coded data: libjpeg may recover; either way no crash, no wrong size.
        var corrupt = (byte[])RealJpeg.Clone();
        new Random(7).NextBytes(corrupt.AsSpan(2000, 4000));
        try
        {
            using var image = SnapshotImage.Decode(corrupt);
            Assert.Equal((640, 480), (image.Width, image.Height));
        }
        catch (BadSnapshotException e)
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
        }
    }

    [Fact]
    public void One_pixel_png_decodes()
    {
        using var pixel = new Mat(1, 1, MatType.CV_8UC3, new Scalar(10, 20, 30));
        using var image = SnapshotImage.Decode(pixel.ImEncode(".png"));
        Assert.Equal((1, 1), (image.Width, image.Height));
    }

    [Fact]
    public void Frame_beyond_the_pixel_limit_is_rejected_before_decoding()
    {
        // A real 12000×9000 JPEG (108 MP), as a misconfigured camera or a decompression bomb would send.
        using var huge = new Mat(9000, 12000, MatType.CV_8UC3, new Scalar(90, 90, 90));
        byte[] bytes = huge.ImEncode(".jpg");
        string reason = Reason(bytes);
        Assert.Contains("12000×9000", reason);
        Assert.Contains("MP limit", reason);
    }
}
