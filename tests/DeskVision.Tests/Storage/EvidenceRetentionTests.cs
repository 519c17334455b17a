using DeskVision.Audits;
using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Audits;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace DeskVision.Tests.Storage;

/// <summary>Evidence pictures past the retention period are deleted, rows and files together; pictures under appeal stay.</summary>
[Collection(DetectorCollection.Name)]
public sealed class EvidenceRetentionTests(DatabaseFixture database)
{
    [Fact]
    public async Task Old_pictures_go_pictures_under_appeal_and_recent_ones_stay()
    {
        using var folder = new TestData.TempFolder();
        var evidence = new EvidenceFolder(folder.Path);
        var now = DateTimeOffset.UtcNow;
        await using var db = database.NewContext();
        var writer = new AuditWriter(db);
        string key = $"ret-{Guid.NewGuid():N}"[..12];
        int camera = await TestCameras.AddAsync(db, key, "retention-hall", key);
        int clause = await db.Clauses.Where(c => c.Key == "desk.phone-on-desk").Select(c => c.Id).FirstOrDefaultAsync();
        if (clause == 0)
        {
            await writer.EnsureStandardAsync(StandardFile.Load(TestData.StandardFile), default);
            clause = await db.Clauses.Where(c => c.Key == "desk.phone-on-desk").Select(c => c.Id).FirstAsync();
        }
        byte[] photo = File.ReadAllBytes(TestData.Coco("000000000459.jpg"));

        async Task<Audit> Stored(TimeSpan age, bool appealed)
        {
            string path = await evidence.SaveAsync(new Snapshot(key, now - age, photo, "test"), default)
                ?? throw new InvalidOperationException("the test photo could not be stored");
            var audit = new Audit { CameraId = camera, TakenAt = now - age, StoredAt = now, Status = AuditStatuses.Ok, ModelId = "test", SnapshotPath = path };
            if (appealed)
                audit.Violations.Add(new AuditViolation
                {
                    ClauseId = clause, ZoneName = "seat", Reason = "cell phone", Points = 3,
                    Appeal = new Appeal { Reason = "it is a calculator", FiledAt = now - age },
                });
            db.Audits.Add(audit);
            await db.SaveChangesAsync();
            return audit;
        }

        var old = await Stored(TimeSpan.FromDays(120), appealed: false);
        var underAppeal = await Stored(TimeSpan.FromDays(120), appealed: true);
        var recent = await Stored(TimeSpan.FromDays(10), appealed: false);
        string orphan = Path.Combine(folder.Path, "2026-01-01", "orphan.jpg");
        Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
        File.WriteAllBytes(orphan, photo);
        File.SetLastWriteTimeUtc(orphan, now.UtcDateTime.AddDays(-200));
        string oldFile = Path.Combine(folder.Path, old.SnapshotPath!);
        File.SetLastWriteTimeUtc(oldFile, now.UtcDateTime.AddDays(-120));

        // A site keeping unblurred frames for training (training.keep_frames): those copies go with the evidence.
        using var trainingFolder = new TestData.TempFolder();
        var training = new DeskVision.Audits.TrainingFolder(trainingFolder.Path);
        string KeptCopy(Audit a) => Path.Combine(trainingFolder.Path, DeskVision.Audits.KeptFrames.PathFor(a.SnapshotPath)!);
        foreach (var a in new[] { old, recent })
            await training.SaveAsync(photo, Path.GetDirectoryName(DeskVision.Audits.KeptFrames.PathFor(a.SnapshotPath))!, Path.GetFileName(a.SnapshotPath)!, default);
        string oldKept = KeptCopy(old), recentKept = KeptCopy(recent);
        Assert.True(File.Exists(oldKept));

        int deleted = await new EvidenceRetention(db, evidence, new DeskVision.Audits.KeptFrames(training), TimeProvider.System,
            NullLogger<EvidenceRetention>.Instance).PurgeAsync(TimeSpan.FromDays(90), default);
        Assert.False(File.Exists(oldKept), "the unblurred copy of an expired picture is deleted with it");
        Assert.True(File.Exists(recentKept));

        Assert.True(deleted >= 2);
        Assert.False(File.Exists(oldFile));
        Assert.False(File.Exists(orphan));
        await using var read = database.NewContext();
        Assert.Null((await read.Audits.SingleAsync(a => a.Id == old.Id)).SnapshotPath);
        var kept = await read.Audits.SingleAsync(a => a.Id == underAppeal.Id);
        Assert.True(File.Exists(Path.Combine(folder.Path, kept.SnapshotPath!)), "evidence under appeal is kept");
        var fresh = await read.Audits.SingleAsync(a => a.Id == recent.Id);
        Assert.True(File.Exists(Path.Combine(folder.Path, fresh.SnapshotPath!)));
    }
}
