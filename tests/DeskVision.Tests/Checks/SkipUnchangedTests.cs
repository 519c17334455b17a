using DeskVision.Detectors;
using DeskVision.Scoring;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Audits;
using DeskVision.Tools;
using OpenCvSharp;

namespace DeskVision.Tests.Checks;

/// <summary>
/// A burst frame or spot check whose judged zones look as on the frame before reuses that frame's detections instead
/// of running the model (<see cref="ZoneSignature"/>). Skipping is only worth having if it is never wrong: these are run
/// on every real CCTV frame of ../shared/testdata/desk and office (50 frames from 5 fixed cameras), with the default
/// limits of <see cref="SkipUnchanged"/>, never on one picture.
/// </summary>
[Collection(DetectorCollection.Name)]
public sealed class SkipUnchangedTests(DetectorFixture detectors)
{
    private static readonly SkipUnchanged Limits = SkipUnchanged.Default;

    /// <summary>The counter of a service window, as a camera above it sees it: the lower middle of the view.</summary>
    private static readonly Zone Desk = new("counter", ZoneKind.Desk, [(0.15, 0.45), (0.85, 0.45), (0.85, 0.95), (0.15, 0.95)]);

    [Fact]
    public void A_still_scene_seen_again_through_camera_noise_and_JPEG_is_unchanged()
    {
        // The other half of the bargain: if noise alone counted as change, skipping would never happen.
        var changed = new List<string>();
        foreach (string frame in CctvFrames())
        {
            using var scene = Cv2.ImRead(frame);
            using var first = AsCameraSends(scene, seed: 1);
            using var again = AsCameraSends(scene, seed: 2);
            var change = ZoneSignature.Of(again, [Desk]).CompareWith(ZoneSignature.Of(first, [Desk]), Limits.PixelDelta);
            if (!change.IsUnchanged(Limits.MinChangedCells)) changed.Add($"{Path.GetFileName(frame)}: {change}");
        }
        Assert.True(changed.Count == 0, "seen as changed:\n" + string.Join("\n", changed));
    }

    [Fact]
    public void A_phone_put_down_on_the_desk_is_never_skipped()
    {
        // Every real phone box of the labelled sets, 16 px long at the model's 640 px view (about the smallest phone the
        // model finds), put down on the counter of every frame, at one of three places in turn. Frames are taken at
        // 640 px, as a camera's sub-stream sends them (and to keep 2,400 cases fast). The pasted crop keeps its own
        // background, as a phone brings its shadow; a phone matching the desk exactly would be a harder case.
        var phones = PhoneCrops();
        Assert.True(phones.Count >= 10, $"only {phones.Count} phone crops found in the labelled sets");
        var missed = new List<string>();
        int cases = 0;
        foreach (string frame in CctvFrames())
        {
            using var scene = SubStream(frame);
            using var before = AsCameraSends(scene, seed: 1);
            var signature = ZoneSignature.Of(before, [Desk]);
            for (int p = 0; p < phones.Count; p++)
            {
                var (x, y) = new[] { (0.3, 0.6), (0.5, 0.75), (0.7, 0.9) }[(p + cases) % 3];
                using var withPhone = scene.Clone();
                PutDown(withPhone, phones[p], x, y);
                using var after = AsCameraSends(withPhone, seed: 2);
                var change = ZoneSignature.Of(after, [Desk]).CompareWith(signature, Limits.PixelDelta);
                cases++;
                if (change.IsUnchanged(Limits.MinChangedCells)) missed.Add($"{Path.GetFileName(frame)} phone {p} at ({x}, {y}): {change}");
            }
        }
        Assert.True(missed.Count == 0, $"{missed.Count} of {cases} phones put down were skipped:\n" + string.Join("\n", missed.Take(20)));
    }

    [Fact]
    public void A_person_who_left_their_place_is_never_skipped()
    {
        // Consecutive real frames of one camera (office: the same camera seconds apart; desk: one classroom camera,
        // frames in time order). A labelled person (office) or head (desk) on the first frame with none where they
        // were on the next has left: a seat zone drawn around them must be seen as changed.
        var missed = new List<string>();
        int cases = 0;
        foreach (var (first, next, labelsFirst, labelsNext, personClasses) in ConsecutiveFrames())
        {
            using var a = Cv2.ImRead(first);
            using var b = Cv2.ImRead(next);
            if (a.Size() != b.Size()) continue;
            using var sentA = AsCameraSends(a, seed: 1);
            using var sentB = AsCameraSends(b, seed: 2);
            var peopleA = DetectionEval.ReadYoloLabels(labelsFirst, a.Width, a.Height).Where(l => personClasses.Contains(l.ClassId)).ToList();
            var peopleB = DetectionEval.ReadYoloLabels(labelsNext, b.Width, b.Height).Where(l => personClasses.Contains(l.ClassId)).ToList();
            foreach (var gone in peopleA.Where(pa => peopleB.All(pb => Iou(pa.Box, pb.Box) < 0.1)))
            {
                var seat = new Zone("seat", ZoneKind.Seat, [
                    (gone.Box.X1 / a.Width, gone.Box.Y1 / a.Height), (gone.Box.X2 / a.Width, gone.Box.Y1 / a.Height),
                    (gone.Box.X2 / a.Width, gone.Box.Y2 / a.Height), (gone.Box.X1 / a.Width, gone.Box.Y2 / a.Height)]);
                var change = ZoneSignature.Of(sentB, [seat]).CompareWith(ZoneSignature.Of(sentA, [seat]), Limits.PixelDelta);
                cases++;
                if (change.IsUnchanged(Limits.MinChangedCells)) missed.Add($"{Path.GetFileName(first)} → {Path.GetFileName(next)} at {gone.Box}: {change}");
            }
        }
        Assert.True(cases >= 10, $"only {cases} people leaving found in consecutive frames");
        Assert.True(missed.Count == 0, $"{missed.Count} of {cases} people leaving were skipped:\n" + string.Join("\n", missed));
    }

    [Fact]
    public void An_unchanged_snapshot_reuses_the_earlier_detections_and_scores_as_the_frame_they_came_from()
    {
        var (pipeline, camera) = DemoWindow();
        using var scene = Cv2.ImRead(TestData.Coco("000000000009.jpg"));
        var first = pipeline.Run(Snap(scene, 1), camera);
        Assert.NotNull(first.ZoneSignature);
        Assert.Null(first.DetectionsReusedFrom);

        var seen = new SeenBefore(41, first.ZoneSignature!, first.Detections.Where(d => d.ClassId >= 0).ToList());
        var again = pipeline.Run(Snap(scene, 2), camera, [], seen);

        Assert.Equal(41, again.DetectionsReusedFrom);
        Assert.Null(again.ZoneSignature); // later frames compare with the frame the model saw, not with a copy
        Assert.Contains("unchanged since audit 41", again.ChangeNote);
        // The same violations as the frame the detections came from. (A full run on the new frame may differ from both
        // where a confidence sits at a threshold and the noise tips it: the benchmark counts how often over a sequence.)
        Assert.Equal(Keys(first), Keys(again));
        Assert.Equal(first.Score, again.Score);
    }

    [Fact]
    public void A_changed_snapshot_runs_the_model_and_says_what_changed()
    {
        var (pipeline, camera) = DemoWindow();
        using var scene = Cv2.ImRead(TestData.Coco("000000000009.jpg"));
        var first = pipeline.Run(Snap(scene, 1), camera);
        using var withPhone = scene.Clone();
        PutDown(withPhone, PhoneCrops()[0], 0.5, 0.6);

        var seen = new SeenBefore(41, first.ZoneSignature!, []); // nothing found before: reusing would lose the phone
        var after = pipeline.Run(Snap(withPhone, 2), camera, [], seen);

        Assert.Null(after.DetectionsReusedFrom);
        Assert.NotNull(after.ZoneSignature);
        Assert.Contains("changed since audit 41", after.ChangeNote);
        Assert.NotEmpty(after.Detections);
    }

    [Fact]
    public void A_camera_with_skipping_turned_off_runs_the_model_on_every_frame()
    {
        var (pipeline, camera) = DemoWindow();
        using var scene = Cv2.ImRead(TestData.Coco("000000000009.jpg"));
        var first = pipeline.Run(Snap(scene, 1), camera);

        var off = camera with { Unchanged = SkipUnchanged.Default with { Enabled = false } };
        var again = pipeline.Run(Snap(scene, 2), off, [], new SeenBefore(41, first.ZoneSignature!, []));

        Assert.Null(again.DetectionsReusedFrom);
        Assert.Contains(again.Detections, d => d.ClassId >= 0);
    }

    [Theory]
    [InlineData("pixel_delta: 0", "pixel_delta")]
    [InlineData("min_changed_cells: -3", "min_changed_cells")]
    [InlineData("often: yes", "often")]
    public void Skip_settings_in_a_camera_file_are_checked_at_load(string setting, string field)
    {
        var error = Assert.Throws<ConfigException>(() => CameraFile.Parse("window-9.yaml", $$"""
            camera: window-9
            site: hall
            window: w9
            zones: [{ name: desk, kind: desk, polygon: [[0, 0], [1, 0], [1, 1]] }]
            skip_unchanged: { {{setting}} }
            """));
        Assert.Contains("window-9.yaml", error.Message);
        Assert.Contains(field, error.Message);
    }

    [Fact]
    public void A_signature_survives_the_database_and_a_damaged_one_is_refused()
    {
        using var scene = Cv2.ImRead(TestData.Coco("000000000009.jpg"));
        var signature = ZoneSignature.Of(scene, [Desk]);
        var back = ZoneSignature.FromBytes(signature.ToBytes());
        Assert.NotNull(back);
        Assert.True(signature.CompareWith(back!, 0).IsUnchanged(1));
        Assert.Null(ZoneSignature.FromBytes(signature.ToBytes()[..^5]));
        Assert.Null(ZoneSignature.FromBytes([9, 1, 2, 3]));
    }

    /// <summary>The example counter layout (counter, seat, customer side) scored with the shipped standard by yolov8n.</summary>
    private (AuditPipeline Pipeline, CameraLayout Camera) DemoWindow()
    {
        var detector = detectors.Get("n");
        return (new AuditPipeline(detector, StandardFile.Load(TestData.StandardFile, detector.Labels)), CameraFile.Load(TestData.ExampleCamera));
    }

    private static IEnumerable<string> CctvFrames() =>
        new[] { "desk", "office" }.SelectMany(set => Directory.EnumerateFiles(Path.Combine(TestData.Shared, set, "images"), "*.jpg")).Order(StringComparer.Ordinal);

    private static Mat SubStream(string frame)
    {
        using var full = Cv2.ImRead(frame);
        double f = (double)ZoneSignature.ModelSide / Math.Max(full.Width, full.Height);
        return full.Resize(new Size((int)Math.Round(full.Width * f), (int)Math.Round(full.Height * f)), 0, 0, InterpolationFlags.Area);
    }

    /// <summary>What a camera sends of a scene: a little sensor noise (σ 2 grey levels) and its JPEG encoding.</summary>
    private static Mat AsCameraSends(Mat scene, int seed) => Cv2.ImDecode(StillScene.Frame(scene, seed), ImreadModes.Color);

    private static Snapshot Snap(Mat scene, int seed)
    {
        using var sent = AsCameraSends(scene, seed);
        return new Snapshot("window-1", DateTimeOffset.UtcNow, sent.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, 95)), "test");
    }

    /// <summary>Pastes a phone crop centred at (x, y) of the image, scaled to 16 px long at the model's 640 px view.</summary>
    private static void PutDown(Mat image, Mat phone, double x, double y)
    {
        double longSide = 16.0 * Math.Max(image.Width, image.Height) / ZoneSignature.ModelSide;
        double f = longSide / Math.Max(phone.Width, phone.Height);
        using var scaled = phone.Resize(new Size(Math.Max(2, (int)Math.Round(phone.Width * f)), Math.Max(2, (int)Math.Round(phone.Height * f))), 0, 0, InterpolationFlags.Area);
        int left = Math.Clamp((int)(x * image.Width) - scaled.Width / 2, 0, image.Width - scaled.Width);
        int top = Math.Clamp((int)(y * image.Height) - scaled.Height / 2, 0, image.Height - scaled.Height);
        scaled.CopyTo(new Mat(image, new Rect(left, top, scaled.Width, scaled.Height)));
    }

    private static List<Mat> PhoneCrops()
    {
        var crops = new List<Mat>();
        foreach (var (images, labels) in new[] { ("coco/images", "coco/labels"), ("val/images", "val/labels"), ("office/images", "office/labels-coco") })
            foreach (string label in Directory.EnumerateFiles(Path.Combine(TestData.Shared, labels), "*.txt").Order(StringComparer.Ordinal))
            {
                if (!File.ReadLines(label).Any(l => l.StartsWith("67 ", StringComparison.Ordinal))) continue;
                string picture = Path.Combine(TestData.Shared, images, Path.GetFileNameWithoutExtension(label) + ".jpg");
                if (!File.Exists(picture)) continue;
                using var image = Cv2.ImRead(picture);
                foreach (var box in DetectionEval.ReadYoloLabels(label, image.Width, image.Height).Where(b => b.ClassId == 67))
                {
                    var rect = new Rect((int)box.Box.X1, (int)box.Box.Y1, (int)Math.Max(2, box.Box.X2 - box.Box.X1), (int)Math.Max(2, box.Box.Y2 - box.Box.Y1))
                        & new Rect(0, 0, image.Width, image.Height);
                    if (rect.Width >= 2 && rect.Height >= 2) crops.Add(new Mat(image, rect).Clone());
                }
            }
        return crops;
    }

    /// <summary>Pairs of frames of one camera in time order, with their labels and which label ids are people.</summary>
    private static IEnumerable<(string First, string Next, string LabelsFirst, string LabelsNext, int[] People)> ConsecutiveFrames()
    {
        // office: file names start with the camera's address and a timestamp ("172-19-19-150_05_20230221125824323").
        string office = Path.Combine(TestData.Shared, "office");
        var byCamera = Directory.EnumerateFiles(Path.Combine(office, "images"), "*.jpg")
            .Select(f => (File: f, Name: Path.GetFileName(f)))
            .Where(f => System.Text.RegularExpressions.Regex.IsMatch(f.Name, @"^\d+-\d+-\d+-\d+_\d+_\d{14}"))
            .GroupBy(f => f.Name[..f.Name.IndexOf('_', f.Name.IndexOf('_') + 1)]);
        foreach (var camera in byCamera)
        {
            var frames = camera.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
            for (int i = 0; i + 1 < frames.Count; i++)
                yield return (frames[i].File, frames[i + 1].File, OfficeLabels(frames[i].File), OfficeLabels(frames[i + 1].File), [0]);
        }
        // desk: one classroom camera; the leading number is the frame's place in time (the burnt-in clock agrees).
        string desk = Path.Combine(TestData.Shared, "desk");
        var classroom = Directory.EnumerateFiles(Path.Combine(desk, "images"), "*.jpg")
            .OrderBy(f => int.Parse(new string(Path.GetFileName(f).TakeWhile(char.IsAsciiDigit).ToArray()))).ToList();
        for (int i = 0; i + 1 < classroom.Count; i++)
            yield return (classroom[i], classroom[i + 1], DeskLabels(classroom[i]), DeskLabels(classroom[i + 1]), [0, 1, 2, 3]);

        string OfficeLabels(string image) => Path.Combine(office, "labels-coco", Path.GetFileNameWithoutExtension(image) + ".txt");
        string DeskLabels(string image) => Path.Combine(desk, "labels", Path.GetFileNameWithoutExtension(image) + ".txt");
    }

    private static double Iou(Box a, Box b)
    {
        double w = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1), h = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1);
        if (w <= 0 || h <= 0) return 0;
        double inter = w * h;
        return inter / (a.Area + b.Area - inter);
    }

    private static string[] Keys(AuditResult r) => r.Violations.Select(v => $"{v.ClauseId}@{v.ZoneName}").Order().ToArray();
}
