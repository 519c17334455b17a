using DeskVision.Detectors;
using DeskVision.Tests.Fixtures;
using DeskVision.Training;
using OpenCvSharp;

namespace DeskVision.Tests.Training;

public sealed class AugmentTests
{
    private static readonly Vec3b Marker = new(255, 0, 255); // magenta, BGR

    [Theory]
    [InlineData("desk")]   // 1400×900: padded above and below
    [InlineData("office")] // 640×640: no padding
    public void Validation_batches_are_exactly_the_input_the_detector_builds(string set)
    {
        string image = Directory.GetFiles(Path.Combine(TestData.Shared, set, "images")).Order(StringComparer.Ordinal).First();
        using var detector = new ObjectDetector(new DetectorOptions { ModelPath = TestData.ModelPath("n") });
        using (var bgr = Cv2.ImRead(image)) detector.Detect(bgr);
        float[] expected = detector.CopyInput();

        using var batches = new BatchMaker([new LabelledImage(image, null, [], "")], 640, augment: false, seed: 0);
        var (images, targets) = batches.Next(1);
        using (images) using (targets)
        {
            Assert.Equal(new long[] { 1, 3, 640, 640 }, images.shape);
            Assert.Equal(new long[] { 0, 6 }, targets.shape);
            Assert.Equal(expected, images.data<float>().ToArray());
        }
    }

    [Fact]
    public void A_box_painted_on_real_photos_stays_on_the_same_pixels_through_mosaic_scale_shift_and_flip()
    {
        using var folder = PaintedSet(out var images);
        using var augmenter = new Augmenter(images, 640, AugmentOptions.NoColour);
        var random = new Random(11);
        int checkedBoxes = 0;
        for (int round = 0; round < 24; round++)
        {
            var (canvas, boxes) = augmenter.Augmented(round % images.Count, random);
            using (canvas)
            {
                Assert.All(boxes, b => Assert.True(b.X1 >= 0 && b.Y1 >= 0 && b.X2 <= 640 && b.Y2 <= 640 && b.Width >= 2 && b.Height >= 2));
                foreach (var b in boxes.Where(b => b.Width >= 8 && b.Height >= 8))
                {
                    // Inside (2 px in from the edges, past the blur of resampling) is all paint...
                    Assert.True(MarkerShare(canvas, b.X1 + 2, b.Y1 + 2, b.X2 - 2, b.Y2 - 2) > 0.97, $"round {round}: box {b} is not on its paint");
                    // ...and a band 2-4 px outside it is not (where it lies on the picture).
                    Assert.True(RingShare(canvas, b) < 0.1, $"round {round}: paint spills outside box {b}");
                    checkedBoxes++;
                }
                // Paint nowhere but under the boxes (or where a box was dropped as too small or too cut).
                Assert.True(UnboxedMarkerPixels(canvas, boxes) < 0.01 * 640 * 640, $"round {round}: paint without a box");
            }
        }
        Assert.True(checkedBoxes >= 30, $"only {checkedBoxes} boxes checked");
    }

    [Fact]
    public void A_flip_mirrors_the_picture_and_its_boxes()
    {
        string image = Directory.GetFiles(Path.Combine(TrainingData.Office, "images")).Order(StringComparer.Ordinal).First();
        var set = YoloDataset.Load(Path.Combine(TrainingData.Office, "images"), Path.Combine(TrainingData.Office, "labels-coco"), TrainingData.CocoNames, null);
        var photo = set.Images.Single(i => i.ImagePath == image);
        var still = new AugmentOptions { Mosaic = 0, Scale = 0, Translate = 0, Hue = 0, Saturation = 0, Value = 0 };
        using var plain = new Augmenter([photo], 640, still with { FlipLeftRight = 0 });
        using var flipped = new Augmenter([photo], 640, still with { FlipLeftRight = 1 });

        var (a, boxesA) = plain.Augmented(0, new Random(1));
        var (b, boxesB) = flipped.Augmented(0, new Random(1));
        using (a) using (b) using (var mirror = new Mat())
        {
            Cv2.Flip(a, mirror, FlipMode.Y);
            Assert.Equal(0, Cv2.Norm(mirror, b, NormTypes.INF));
        }
        Assert.Equal(photo.Boxes.Count, boxesA.Count);
        Assert.Equal(boxesA.Count, boxesB.Count);
        for (int i = 0; i < boxesA.Count; i++)
        {
            Assert.Equal(boxesA[i].ClassId, boxesB[i].ClassId);
            Assert.Equal(640 - boxesA[i].X2, boxesB[i].X1, 3);
            Assert.Equal(640 - boxesA[i].X1, boxesB[i].X2, 3);
            Assert.Equal(boxesA[i].Y1, boxesB[i].Y1, 3);
        }
    }

    [Fact]
    public void Without_augmentation_boxes_are_the_labels_through_the_letterbox()
    {
        // desk: 1400×900 scaled by 640/1400 and centred, so y gains (640 − 411)/2 = 114 px of grey above.
        var set = YoloDataset.Load(Path.Combine(TrainingData.Desk, "images"), Path.Combine(TrainingData.Desk, "labels"), TrainingData.CocoNames, null);
        var photo = set.Images[0];
        using var batches = new BatchMaker([photo], 640, augment: false, seed: 0);
        var lb = batches.LetterboxOf(0);
        Assert.Equal((640, 411, 0, 114), (lb.Width, lb.Height, lb.PadX, lb.PadY));

        var (images, targets) = batches.Next(1);
        using (images) using (targets)
        {
            var rows = targets.data<float>().ToArray();
            Assert.Equal(photo.Boxes.Count * 6, rows.Length);
            var first = photo.Boxes[0];
            Assert.Equal(0, rows[0]);
            Assert.Equal(first.ClassId, rows[1]);
            Assert.Equal((first.Cx - first.W / 2) * 640, rows[2], 2);
            Assert.Equal((first.Cy - first.H / 2) * 411 + 114, rows[3], 2);
        }
    }

    [Fact]
    public void Training_batches_hold_every_image_once_an_epoch_with_their_batch_index()
    {
        var set = YoloDataset.Load(Path.Combine(TrainingData.Office, "images"), Path.Combine(TrainingData.Office, "labels-coco"), TrainingData.CocoNames, null);
        using var batches = new BatchMaker(set.Images.Take(6).ToList(), 320, augment: true, seed: 5);
        var seen = new List<int>();
        for (int k = 0; k < 3; k++)
        {
            var (images, targets) = batches.Next(2);
            using (images) using (targets)
            {
                Assert.Equal(new long[] { 2, 3, 320, 320 }, images.shape);
                var rows = targets.data<float>().ToArray();
                Assert.True(rows.Length > 0);
                for (int r = 0; r < rows.Length; r += 6) Assert.Contains(rows[r], new[] { 0f, 1f });
                Assert.InRange(images.min().item<float>(), 0, 1);
                Assert.InRange(images.max().item<float>(), 0, 1);
            }
            seen.AddRange(batches.LastIndices);
        }
        Assert.Equal(Enumerable.Range(0, 6), seen.Order());
    }

    /// <summary>Four office photos, each with one of its labelled boxes painted solid and that box as its only label (PNG: no JPEG blur).</summary>
    private static TestData.TempFolder PaintedSet(out List<LabelledImage> images)
    {
        var folder = new TestData.TempFolder();
        var set = YoloDataset.Load(Path.Combine(TrainingData.Office, "images"), Path.Combine(TrainingData.Office, "labels-coco"), TrainingData.CocoNames, null);
        images = [];
        foreach (var photo in set.Images.Where((_, i) => i % 6 == 0).Take(4))
        {
            using var bgr = Cv2.ImRead(photo.ImagePath);
            var box = photo.Boxes.OrderByDescending(b => b.W * b.H).First();
            int x1 = (int)Math.Round((box.Cx - box.W / 2) * bgr.Width), y1 = (int)Math.Round((box.Cy - box.H / 2) * bgr.Height);
            int x2 = (int)Math.Round((box.Cx + box.W / 2) * bgr.Width), y2 = (int)Math.Round((box.Cy + box.H / 2) * bgr.Height);
            bgr.Rectangle(new Rect(x1, y1, x2 - x1, y2 - y1), new Scalar(Marker.Item0, Marker.Item1, Marker.Item2), -1);
            string path = folder.File(Path.GetFileNameWithoutExtension(photo.ImagePath) + ".png");
            bgr.SaveImage(path);
            var exact = new LabelBox(box.ClassId, (x1 + x2) / 2f / bgr.Width, (y1 + y2) / 2f / bgr.Height, (x2 - x1) / (float)bgr.Width, (y2 - y1) / (float)bgr.Height);
            images.Add(new LabelledImage(path, null, [exact], ""));
        }
        return folder;
    }

    private static bool IsMarker(Vec3b p) => p.Item0 > 215 && p.Item1 < 40 && p.Item2 > 215;

    private static double MarkerShare(Mat m, float x1, float y1, float x2, float y2)
    {
        int n = 0, hit = 0;
        for (int y = (int)Math.Ceiling(y1); y < (int)Math.Floor(y2); y++)
            for (int x = (int)Math.Ceiling(x1); x < (int)Math.Floor(x2); x++) { n++; if (IsMarker(m.At<Vec3b>(y, x))) hit++; }
        return n == 0 ? 1 : (double)hit / n;
    }

    private static double RingShare(Mat m, PixelBox b)
    {
        int n = 0, hit = 0;
        for (int y = (int)b.Y1 - 4; y <= (int)b.Y2 + 4; y++)
            for (int x = (int)b.X1 - 4; x <= (int)b.X2 + 4; x++)
            {
                if (x < 0 || y < 0 || x >= m.Cols || y >= m.Rows) continue;
                bool inner = x >= b.X1 - 2 && x <= b.X2 + 2 && y >= b.Y1 - 2 && y <= b.Y2 + 2;
                if (inner) continue;
                n++;
                if (IsMarker(m.At<Vec3b>(y, x))) hit++;
            }
        return n == 0 ? 0 : (double)hit / n;
    }

    private static int UnboxedMarkerPixels(Mat m, List<PixelBox> boxes)
    {
        int count = 0;
        for (int y = 0; y < m.Rows; y++)
            for (int x = 0; x < m.Cols; x++)
                if (IsMarker(m.At<Vec3b>(y, x)) && !boxes.Any(b => x >= b.X1 - 2 && x <= b.X2 + 2 && y >= b.Y1 - 2 && y <= b.Y2 + 2))
                    count++;
        return count;
    }
}
