using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Tests.Cameras;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Audits;
using DeskVision.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DeskVision.Tests.Audits;

/// <summary>
/// The audit job against real HTTP cameras on 127.0.0.1: a snapshot that cannot be had becomes a failed audit with
/// its reason, nothing is skipped, and a camera that keeps failing is shown offline until it answers again.
/// </summary>
[Collection(DetectorCollection.Name)]
public sealed class CameraAuditTests(DatabaseFixture database) : IAsyncLifetime
{
    private readonly CameraSimulator _cameras = new();
    private readonly TestData.TempFolder _evidence = new();
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        await _cameras.InitializeAsync();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DESKVISION_DB"] = database.ConnectionString,
            ["DESKVISION_MODEL"] = "n",
        }).Build();
        Environment.SetEnvironmentVariable("DESKVISION_EVIDENCE", _evidence.Path);
        _services = new ServiceCollection().AddLogging().AddDeskVision(config, runJobs: false).BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _cameras.DisposeAsync();
        _evidence.Dispose();
    }

    private async Task<string> CameraAsync(CameraMode mode)
    {
        string key = $"job-{Guid.NewGuid():N}"[..16];
        await using var db = database.NewContext();
        await new AuditWriter(db).EnsureCameraAsync(CameraFile.Parse("cam.yaml", $$"""
            camera: {{key}}
            site: job-hall
            window: {{key}}
            zones: [{ name: seat, kind: seat, polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }]
            """) with { Source = _cameras.Add(mode) }, default);
        return key;
    }

    private async Task<Audit> AuditOnceAsync(string cameraKey)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskVisionDb>();
        int cameraId = await db.Cameras.Where(c => c.Key == cameraKey).Select(c => c.Id).FirstAsync();
        var plan = db.PlannedAudits.Add(new PlannedAudit
        {
            CameraId = cameraId, Day = DateOnly.FromDateTime(DateTime.UtcNow), Kind = PlannedAuditKinds.SpotCheck, DueAt = DateTimeOffset.UtcNow,
        }).Entity;
        await db.SaveChangesAsync();
        long? id = await scope.ServiceProvider.GetRequiredService<CameraAuditJob>().RunPlannedAsync(plan.Id, default);
        await using var read = database.NewContext();
        return await read.Audits.Include(a => a.Camera).SingleAsync(a => a.Id == id);
    }

    [Fact]
    public async Task Camera_answering_401_gives_a_failed_audit_with_the_reason()
    {
        var audit = await AuditOnceAsync(await CameraAsync(CameraMode.Unauthorized));
        Assert.Equal(AuditStatuses.Failed, audit.Status);
        Assert.Contains("401", audit.FailureReason);
        Assert.Equal(1, audit.Camera.ConsecutiveFailures);
    }

    [Fact]
    public async Task Camera_failing_three_times_in_a_row_is_offline_until_it_answers_again()
    {
        string key = await CameraAsync(CameraMode.ServerError);
        Assert.Null((await AuditOnceAsync(key)).Camera.OfflineSince);
        Assert.Null((await AuditOnceAsync(key)).Camera.OfflineSince);
        var third = await AuditOnceAsync(key);
        Assert.NotNull(third.Camera.OfflineSince);
        Assert.Contains("500", third.Camera.LastFailure);

        await using (var db = database.NewContext())
            await db.Cameras.Where(c => c.Key == key).ExecuteUpdateAsync(c => c.SetProperty(x => x.Source, _cameras.Add(CameraMode.Live)));
        var back = await AuditOnceAsync(key);
        Assert.Equal(AuditStatuses.Ok, back.Status);
        Assert.Null(back.Camera.OfflineSince);
        Assert.Equal(0, back.Camera.ConsecutiveFailures);
        Assert.NotNull(back.SnapshotPath);
        Assert.True(File.Exists(Path.Combine(_evidence.Path, back.SnapshotPath)));
    }

    [Fact]
    public async Task Frozen_picture_is_a_failed_audit_not_an_empty_window()
    {
        string key = await CameraAsync(CameraMode.Normal); // the same bytes at every request
        Assert.Equal(AuditStatuses.Ok, (await AuditOnceAsync(key)).Status);
        var second = await AuditOnceAsync(key);
        Assert.Equal(AuditStatuses.Failed, second.Status);
        Assert.Contains("frozen", second.FailureReason);
    }

    [Fact]
    public async Task Covered_lens_is_a_failed_audit_not_an_empty_window()
    {
        var audit = await AuditOnceAsync(await CameraAsync(CameraMode.Black));
        Assert.Equal(AuditStatuses.Failed, audit.Status);
        Assert.Contains("all-black", audit.FailureReason);
    }

    [Fact]
    public async Task Live_camera_gives_an_ok_audit_each_time()
    {
        string key = await CameraAsync(CameraMode.Live);
        for (int i = 0; i < 3; i++) Assert.Equal(AuditStatuses.Ok, (await AuditOnceAsync(key)).Status);
    }
}
