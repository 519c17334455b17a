using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Audits;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Tests.Storage;

/// <summary>The whole path on real photos into a real PostgreSQL: audit, detections and violations stored and read back.</summary>
[Collection(DetectorCollection.Name)]
public sealed class AuditStorageTests(DetectorFixture detectors, DatabaseFixture database)
{
    /// <summary>A camera whose counter covers the whole picture, so every phone, cup or bag in the photo is on the desk.</summary>
    private static readonly CameraLayout WholeDesk = CameraFile.Parse("whole-desk.yaml", """
        camera: storage-w1
        site: storage-hall
        window: 9号窗口
        zones:
        - { name: counter, kind: desk, polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }
        - { name: seat, kind: seat, polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }
        """);

    private AuditPipeline Pipeline(string tier = ModelTier) =>
        new(detectors.Get(tier), StandardFile.Load(TestData.StandardFile, detectors.Get(tier).Labels));

    private const string ModelTier = Detectors.ModelFile.DefaultTier;

    private static Snapshot Photo(string name) => new(WholeDesk.CameraKey, DateTimeOffset.UtcNow, File.ReadAllBytes(TestData.Coco(name)), name);

    private async Task<(long Id, AuditResult Result)> AuditAndStore(AuditPipeline pipeline, Snapshot snapshot, string? runKey = null)
    {
        await using var db = database.NewContext();
        var writer = new AuditWriter(db);
        int camera = await writer.EnsureCameraAsync(WholeDesk, default);
        int standard = await writer.EnsureStandardAsync(pipeline.Standard, default);
        var result = pipeline.Run(snapshot, WholeDesk);
        return (await writer.SaveAsync(result, camera, standard, snapshot.Source, null, runKey, default), result);
    }

    [Fact]
    public async Task Phone_on_a_real_desk_photo_is_stored_as_a_desk_phone_on_desk_violation()
    {
        var pipeline = Pipeline();
        var (id, result) = await AuditAndStore(pipeline, Photo("000000000387.jpg"));

        Assert.Equal(AuditStatus.Ok, result.Status);
        Assert.Contains(result.Violations, v => v.ClauseId == "desk.phone-on-desk");

        await using var db = database.NewContext();
        var stored = await db.Audits.Include(a => a.Violations).ThenInclude(v => v.Clause).Include(a => a.Detections).Include(a => a.StandardVersion)
            .SingleAsync(a => a.Id == id);
        Assert.Equal(AuditStatuses.Ok, stored.Status);
        Assert.Equal((640, 480), (stored.ImageWidth, stored.ImageHeight));
        Assert.Equal(result.Score, stored.Score);
        Assert.Equal(pipeline.ModelId, stored.ModelId);
        Assert.Equal(pipeline.Standard.ContentHash, stored.StandardVersion!.ContentHash);
        Assert.Equal(result.Detections.Count, stored.Detections.Count);
        Assert.Equal(result.Violations.Select(v => (v.ClauseId, v.Points)).Order(), stored.Violations.Select(v => (v.Clause.Key, v.Points)).Order());
        var phone = stored.Violations.First(v => v.Clause.Key == "desk.phone-on-desk");
        Assert.Equal("手机不放桌面", phone.Clause.TitleZh);
        Assert.True(phone.X2 > phone.X1 && phone.Y2 > phone.Y1 && phone.X2 <= 640 && phone.Y2 <= 480);
        Assert.Equal(100 - stored.Violations.Sum(v => v.Points), stored.Score, 6);
    }

    [Fact]
    public async Task Photo_without_desk_objects_and_with_a_person_scores_full_marks()
    {
        // 000000000459: one person with a tie, nothing the shipped rules deduct for.
        var (id, result) = await AuditAndStore(Pipeline(), Photo("000000000459.jpg"));
        Assert.Empty(result.Violations);
        await using var db = database.NewContext();
        Assert.Equal(100, (await db.Audits.SingleAsync(a => a.Id == id)).Score);
    }

    [Fact]
    public async Task Unreadable_snapshot_is_stored_as_a_failed_audit_with_the_reason()
    {
        byte[] real = File.ReadAllBytes(TestData.Coco("000000000387.jpg"));
        var (id, result) = await AuditAndStore(Pipeline(), new Snapshot(WholeDesk.CameraKey, DateTimeOffset.UtcNow, real[..5000], "cut.jpg"));
        Assert.Equal(AuditStatus.Failed, result.Status);
        await using var db = database.NewContext();
        var stored = await db.Audits.Include(a => a.Violations).SingleAsync(a => a.Id == id);
        Assert.Equal(AuditStatuses.Failed, stored.Status);
        Assert.Contains("truncated JPEG", stored.FailureReason);
        Assert.Empty(stored.Violations);
    }

    [Fact]
    public async Task Retried_run_stores_its_audit_once()
    {
        var pipeline = Pipeline();
        string runKey = $"test-run-{Guid.NewGuid():N}";
        var (first, _) = await AuditAndStore(pipeline, Photo("000000000459.jpg"), runKey);
        var (second, _) = await AuditAndStore(pipeline, Photo("000000000459.jpg"), runKey);
        Assert.Equal(first, second);
        await using var db = database.NewContext();
        Assert.Equal(1, await db.Audits.CountAsync(a => a.RunKey == runKey));
    }

    [Fact]
    public async Task Edited_standard_is_stored_as_a_new_version_and_old_audits_keep_theirs()
    {
        var labels = detectors.Get("n").Labels;
        var original = StandardFile.Load(TestData.StandardFile, labels);
        var edited = StandardFile.Parse("edited.yaml", File.ReadAllText(TestData.StandardFile).Replace("version: '2026.1'", "version: '2026.2'"), labels);
        await using var db = database.NewContext();
        var writer = new AuditWriter(db);
        int a = await writer.EnsureStandardAsync(original, default);
        int again = await writer.EnsureStandardAsync(original, default);
        int b = await writer.EnsureStandardAsync(edited, default);
        Assert.Equal(a, again);
        Assert.NotEqual(a, b);
        Assert.Equal("2026.2", (await db.StandardVersions.SingleAsync(s => s.Id == b)).Version);
        Assert.Equal(83, await db.Clauses.CountAsync(c => c.StandardVersionId == b));
    }
}
