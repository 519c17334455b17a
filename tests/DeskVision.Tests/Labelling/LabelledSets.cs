using DeskVision.Audits;
using DeskVision.Store;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Audits;
using DeskVision.Web.Labelling;
using DeskVision.Web.Models;
using Microsoft.Extensions.Logging.Abstractions;

namespace DeskVision.Tests.Labelling;

/// <summary>
/// What the labelling tests share: a site with a camera, its labels imported from the shared office set (real overhead
/// CCTV, human boxes in COCO ids), and the model-version service over the real database, models and training folder.
/// </summary>
public sealed class LabelledSets : IAsyncLifetime
{
    public DatabaseFixture Database { get; } = new();
    public TestData.TempFolder Training { get; } = new();
    public TestData.TempFolder Evidence { get; } = new();
    public TrainingFolder TrainingFolder => new(Training.Path);
    private readonly Lazy<CurrentStandard> _standards = new(() =>
        new CurrentStandard(new Detectors.ObjectDetector(new Detectors.DetectorOptions { ModelPath = TestData.ModelPath("n") }), TimeProvider.System, NullLogger<CurrentStandard>.Instance));

    public static string Office => Path.Combine(TestData.Shared, "office");

    public Task InitializeAsync() => Database.InitializeAsync();

    public async Task DisposeAsync()
    {
        await Database.DisposeAsync();
        Training.Dispose();
        Evidence.Dispose();
    }

    public ModelVersions Versions(DeskVisionDb db) => new(db, new EvidenceFolder(Evidence.Path), TrainingFolder, _standards.Value, TimeProvider.System, NullLogger<ModelVersions>.Instance);

    /// <summary>A new site with one camera; returns (site id, camera key).</summary>
    public async Task<(int SiteId, string Camera)> SiteAsync(string prefix)
    {
        string site = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)], camera = site + "-cam";
        await using var db = Database.NewContext();
        await TestCameras.AddAsync(db, camera, site, "window-" + camera);
        return (db.Sites.Single(s => s.Key == site).Id, camera);
    }

    /// <summary>
    /// The office set laid out as a YOLO export with COCO class names (its labels-coco ids index yolov8's own list),
    /// as a site engineer would hand it to <c>dataset import</c>.
    /// </summary>
    public string OfficeAsCocoExport()
    {
        string dir = Directory.CreateTempSubdirectory("office-coco-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "images"));
        Directory.CreateDirectory(Path.Combine(dir, "labels"));
        foreach (string image in Directory.GetFiles(Path.Combine(Office, "images")))
            File.Copy(image, Path.Combine(dir, "images", Path.GetFileName(image)));
        foreach (string label in Directory.GetFiles(Path.Combine(Office, "labels-coco")))
            File.Copy(label, Path.Combine(dir, "labels", Path.GetFileName(label)));
        using var detector = new Detectors.ObjectDetector(new Detectors.DetectorOptions { ModelPath = TestData.ModelPath("n") });
        File.WriteAllLines(Path.Combine(dir, "classes.txt"), detector.Labels);
        return dir;
    }

    public async Task<ImportSummary> ImportAsync(string dir, string camera, bool heldBack)
    {
        await using var db = Database.NewContext();
        return await YoloDatasets.ImportAsync(db, dir, camera, "test", TrainingFolder, heldBack, DateTimeOffset.UtcNow, default);
    }
}
