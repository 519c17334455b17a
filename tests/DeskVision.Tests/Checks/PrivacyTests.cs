using DeskVision.Detectors;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Audits;
using OpenCvSharp;

namespace DeskVision.Tests.Checks;

/// <summary>Stored evidence never shows a face: every picture the evidence folder keeps is checked and blurred first.</summary>
[Collection(DetectorCollection.Name)]
public sealed class PrivacyTests(DetectorFixture detectors)
{
    private static readonly FaceDetector Faces = new(Path.Combine(TestData.Root, "onnx-models", FaceDetector.ModelFileName));

    [Theory]
    [InlineData("000000000110.jpg")]   // a girl and a woman at a restaurant table, faces large and frontal
    [InlineData("000000000241.jpg")]
    [InlineData("000000000572.jpg")]
    public async Task Evidence_picture_keeps_no_face_the_face_detector_can_find(string photo)
    {
        byte[] original = File.ReadAllBytes(TestData.Coco(photo));
        IReadOnlyList<Detection> found;
        using (var photoWithFaces = Cv2.ImDecode(original, ImreadModes.Color))
        {
            Assert.NotEmpty(Faces.Detect(photoWithFaces, 0.5f));
            found = detectors.Get("n").Detect(photoWithFaces);   // what the audit found, as the job passes it on
        }

        using var folder = new TestData.TempFolder();
        var evidence = new EvidenceFolder(folder.Path, new FaceBlur(Faces));
        string? stored = await evidence.SaveAsync(new Snapshot("cam-1", DateTimeOffset.UtcNow, original, photo), default, found);

        // Every face the detector finds, on the original or on the stored picture (a pixelated face can still look like
        // one), has lost its detail in the stored picture: no unblurred face is left.
        using var before = Cv2.ImDecode(original, ImreadModes.Color);
        using var after = Cv2.ImRead(evidence.Resolve(stored)!);
        Assert.Equal(before.Size(), after.Size());
        foreach (var (box, _) in Faces.Detect(before, 0.5f).Concat(Faces.Detect(after, 0.5f)))
        {
            var r = Pictures.ToRect(box, before.Width, before.Height);
            using var b = Pictures.Grey(new Mat(before, r));
            using var a = Pictures.Grey(new Mat(after, r));
            Assert.True(CameraHealth.Sharpness(a) < 0.15 * CameraHealth.Sharpness(b), $"face at {r} kept its detail");
        }
    }

    [Fact]
    public async Task Head_of_every_detected_person_is_blurred_even_where_no_face_is_found()
    {
        byte[] original = File.ReadAllBytes(TestData.Coco("000000000110.jpg"));
        var person = new Detection("person", 0, 0.9f, new Box(0, 130, 250, 480));   // the girl, as the detector boxes her
        using var folder = new TestData.TempFolder();
        var evidence = new EvidenceFolder(folder.Path, new FaceBlur(Faces));
        string? stored = await evidence.SaveAsync(new Snapshot("cam-1", DateTimeOffset.UtcNow, original, "x.jpg"), default, [person]);

        var head = Pictures.ToRect(FaceBlur.Head(person.Box), 640, 480);
        using var before = Cv2.ImDecode(original, ImreadModes.Grayscale);
        using var after = Cv2.ImRead(evidence.Resolve(stored)!, ImreadModes.Grayscale);
        using var b = new Mat(before, head);
        using var a = new Mat(after, head);
        Assert.True(CameraHealth.Sharpness(a) < 0.1 * CameraHealth.Sharpness(b), "the head region kept its detail");
    }

    [Fact]
    public async Task Picture_that_cannot_be_decoded_to_check_for_faces_is_not_kept()
    {
        using var folder = new TestData.TempFolder();
        var evidence = new EvidenceFolder(folder.Path, new FaceBlur(Faces));
        Assert.Null(await evidence.SaveAsync(new Snapshot("cam-1", DateTimeOffset.UtcNow, [0xFF, 0xD8, 0xFF, 0x00, 0x01], "bad.jpg"), default));
        Assert.Empty(Directory.EnumerateFiles(folder.Path, "*", SearchOption.AllDirectories));
    }
}
