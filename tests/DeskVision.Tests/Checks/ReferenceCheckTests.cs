using DeskVision.Scoring;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Audits;

namespace DeskVision.Tests.Checks;

/// <summary>
/// Snapshots judged against the camera's reference pictures, through the whole audit pipeline. The camera is office
/// camera B of the shared test photos (frame 5: the desk arranged and the chair empty), drawn as a service window.
/// </summary>
[Collection(DetectorCollection.Name)]
public sealed class ReferenceCheckTests(DetectorFixture detectors)
{
    private static string Scenario(string rel) => Path.Combine(TestData.Root, "tests", "scenarios", rel);
    private static string Office(string prefix) => Directory.GetFiles(Path.Combine(TestData.Shared, "office", "images"), prefix + "*").Single();
    private static readonly string ArrangedEmpty = Office("172-19-19-150_05_20230221125824323");

    /// <summary>Office camera B as a window: the long desk, the black chair's back, a seat in front of it.</summary>
    private static CameraLayout CameraB(string folder) => CameraFile.Parse(Path.Combine(folder, "window-b.yaml"), $"""
        camera: office-b
        site: test-hall
        window: B
        references:
          empty-chair: {ArrangedEmpty}
          desk: {ArrangedEmpty}
          pause-sign: {Scenario("refs/pause-sign.jpg")}
        zones:
        - {"{"} name: counter, kind: desk, polygon: [[0.469, 0.325], [0.656, 0.331], [0.769, 0.356], [0.769, 0.456], [0.656, 0.409], [0.469, 0.372]] {"}"}
        - {"{"} name: chair, kind: chair-back, polygon: [[0.547, 0.356], [0.613, 0.356], [0.613, 0.425], [0.547, 0.425]] {"}"}
        - {"{"} name: seat, kind: seat, polygon: [[0.52, 0.35], [0.66, 0.35], [0.66, 0.55], [0.52, 0.55]] {"}"}
        """);

    private AuditResult Audit(string image, CameraLayout camera) =>
        new AuditPipeline(detectors.Get("n"), StandardFile.Load(TestData.StandardFile, detectors.Get("n").Labels))
            .Run(new Snapshot(camera.CameraKey, DateTimeOffset.UtcNow, File.ReadAllBytes(image), image), camera);

    [Fact]
    public void Coat_hung_over_the_empty_chair_violates_desk_coat_on_chair()
    {
        using var folder = new TestData.TempFolder();
        var camera = CameraB(folder.Path);
        var coat = Audit(Scenario("images/coat-0.jpg"), camera);
        Assert.Equal(AuditStatus.Ok, coat.Status);
        var v = Assert.Single(coat.Violations, v => v.ClauseId == "desk.coat-on-chair");
        Assert.Equal("chair", v.ZoneName);
        Assert.Equal(SceneLabels.ChairBackChanged, v.Detection!.Label);

        var empty = Audit(ArrangedEmpty, camera);
        Assert.DoesNotContain(empty.Violations, v => v.ClauseId is "desk.coat-on-chair" or "desk.surface-tidy");
    }

    [Fact]
    public void Things_put_out_on_the_arranged_desk_violate_desk_surface_tidy_with_the_changed_regions_as_evidence()
    {
        using var folder = new TestData.TempFolder();
        var later = Audit(Office("172-19-19-150_05_20230221142302849"), CameraB(folder.Path));   // laptops and a bottle out
        var tidy = later.Violations.Where(v => v.ClauseId == "desk.surface-tidy").ToList();
        Assert.NotEmpty(tidy);
        Assert.All(tidy, v => Assert.Equal("counter", v.ZoneName));
    }

    [Fact]
    public void Blurred_snapshot_is_an_unreliable_audit_with_its_reason_and_nothing_scored()
    {
        using var folder = new TestData.TempFolder();
        var result = Audit(Scenario("images/blur-4.jpg"), CameraB(folder.Path));
        Assert.Equal(AuditStatus.Unreliable, result.Status);
        Assert.Contains("blurred", result.FailureReason);
        Assert.Empty(result.Violations);
    }

    [Fact]
    public void Camera_turned_away_from_its_reference_view_is_unreliable_not_an_unattended_window()
    {
        using var folder = new TestData.TempFolder();
        var result = Audit(Office("192-168-0-64_01_20220719115150261"), CameraB(folder.Path));   // another camera's view
        Assert.Equal(AuditStatus.Unreliable, result.Status);
        Assert.Contains("camera moved", result.FailureReason);
    }

    [Fact]
    public void Camera_file_naming_a_missing_reference_picture_fails_with_file_line_and_field()
    {
        var e = Assert.Throws<ConfigException>(() => CameraFile.Parse("/nowhere/window-9.yaml", """
            camera: w9
            site: s
            window: w9
            references:
              desk: refs/w9/desk.jpg
              pause-sign: refs/w9/sign.jpg
            zones: [{ name: seat, kind: seat, polygon: [[0, 0], [1, 0], [1, 1]] }]
            """));
        Assert.Equal("/nowhere/window-9.yaml", e.File);
        Assert.Equal(6, e.Line);                 // the sign's line: each reference is checked, the sign first
        Assert.Equal("pause-sign", e.Field);
        Assert.Contains("refs/w9/sign.jpg", e.Message);
    }

    [Fact]
    public void Camera_file_reference_that_is_not_a_picture_is_rejected()
    {
        using var folder = new TestData.TempFolder();
        File.WriteAllText(folder.File("sign.jpg"), "not a picture");
        var e = Assert.Throws<ConfigException>(() => CameraFile.Parse(folder.File("cam.yaml"), """
            camera: w9
            site: s
            window: w9
            references: { pause-sign: sign.jpg }
            zones: [{ name: seat, kind: seat, polygon: [[0, 0], [1, 0], [1, 1]] }]
            """));
        Assert.Equal("pause-sign", e.Field);
        Assert.Contains("not a JPEG or PNG", e.Message);
    }
}
