using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Tests.Cameras;
using DeskVision.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Tests.Checks;

/// <summary>
/// The audit job passes the earlier frames of a planned burst (<see cref="PlannedAudit.BurstOf"/>) to the scorecard,
/// read back from the stored audits, so rules over several snapshots work across separate jobs and workers.
/// </summary>
[Collection(DetectorCollection.Name)]
public sealed class BurstTests(DatabaseFixture database) : IAsyncLifetime
{
    private AuditJobHost _jobs = null!;

    public async Task InitializeAsync() => _jobs = await AuditJobHost.StartAsync(database);

    public async Task DisposeAsync() => await _jobs.DisposeAsync();

    [Fact]
    public async Task Third_snapshot_of_a_burst_with_the_seat_empty_throughout_violates_presence_unattended_window()
    {
        // A live camera (a different real photo each time) whose seat zone is a corner nobody stands in: empty on every frame.
        string key = await _jobs.AddCameraAsync(CameraMode.Live, "burst-hall", "[{ name: seat, kind: seat, polygon: [[0, 0], [0.02, 0], [0.02, 0.02], [0, 0.02]] }]");

        var clauses = new List<string[]>();
        long? first = null;
        for (int index = 0; index < 3; index++)
        {
            var (plan, id) = await _jobs.RunAsync(key, PlannedAuditKinds.Inspection, index, first);
            first ??= plan;
            await using var read = database.NewContext();
            var audit = await read.Audits.Include(a => a.Violations).ThenInclude(v => v.Clause).SingleAsync(a => a.Id == id);
            Assert.Equal(AuditStatuses.Ok, audit.Status);
            clauses.Add(audit.Violations.Select(v => v.Clause.Key).ToArray());
        }
        Assert.DoesNotContain("presence.unattended-window", clauses[0]);
        Assert.DoesNotContain("presence.unattended-window", clauses[1]);
        Assert.Contains("presence.unattended-window", clauses[2]);
        Assert.All(clauses, c => Assert.Contains("presence.away-sign", c));
    }

    [Fact]
    public async Task Burst_frames_of_a_still_desk_reuse_the_inspection_frames_detections_and_say_so()
    {
        // The example counter layout over a camera whose scene does not change (only its noise and JPEG do).
        string key = $"still-{Guid.NewGuid():N}"[..16];
        var layout = CameraFile.Load(TestData.ExampleCamera) with { CameraKey = key, Window = key, Source = _jobs.Cameras.Add(CameraMode.Still) };
        await using (var db = database.NewContext())
            await new AuditWriter(db).EnsureCameraAsync(layout, default);

        var audits = new List<Audit>();
        long? first = null;
        for (int index = 0; index < 3; index++)
        {
            var (plan, id) = await _jobs.RunAsync(key, PlannedAuditKinds.Inspection, index, first);
            first ??= plan;
            await using var read = database.NewContext();
            audits.Add(await read.Audits.AsNoTracking().Include(a => a.Violations).ThenInclude(v => v.Clause).Include(a => a.Detections).SingleAsync(a => a.Id == id));
        }

        Assert.All(audits, a => Assert.Equal(AuditStatuses.Ok, a.Status));
        Assert.Null(audits[0].DetectionsReusedFrom); // the inspection itself always runs the model
        Assert.NotNull(audits[0].ZoneSignature);
        Assert.All(audits.Skip(1), a => Assert.Equal(audits[0].Id, a.DetectionsReusedFrom));
        Assert.All(audits.Skip(1), a => Assert.Contains($"unchanged since audit {audits[0].Id}", a.ChangeNote));
        string Objects(Audit a) => string.Join(";", a.Detections.Where(d => d.ClassId >= 0).OrderBy(d => d.Label).ThenBy(d => d.X1).Select(d => $"{d.Label}@{d.X1:0}"));
        Assert.NotEmpty(Objects(audits[0]));
        Assert.All(audits.Skip(1), a => Assert.Equal(Objects(audits[0]), Objects(a)));
    }

    [Fact]
    public async Task Unreliable_audit_is_stored_as_unreliable_with_its_reason_and_nothing_to_rectify()
    {
        await using var db = database.NewContext();
        var writer = new AuditWriter(db);
        int camera = await TestCameras.AddAsync(db, "unreliable-cam", "burst-hall", "u1");
        var result = AuditResult.Unreliable("unreliable-cam", DateTimeOffset.UtcNow, "picture blurred (sharpness 4.1 < 30.0)", 640, 480, "test", "v");
        long id = await writer.SaveAsync(result, camera, null, "test", null, null, default);
        var stored = await db.Audits.AsNoTracking().Include(a => a.Violations).SingleAsync(a => a.Id == id);
        Assert.Equal(AuditStatuses.Unreliable, stored.Status);
        Assert.Equal("picture blurred (sharpness 4.1 < 30.0)", stored.FailureReason);
        Assert.Empty(stored.Violations);
    }
}
