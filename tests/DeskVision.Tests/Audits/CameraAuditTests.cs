using DeskVision.Store;
using DeskVision.Tests.Cameras;
using DeskVision.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Tests.Audits;

/// <summary>
/// The audit job against real HTTP cameras on 127.0.0.1: a snapshot that cannot be had becomes a failed audit with
/// its reason, nothing is skipped, and a camera that keeps failing is shown offline until it answers again.
/// </summary>
[Collection(DetectorCollection.Name)]
public sealed class CameraAuditTests(DatabaseFixture database) : IAsyncLifetime
{
    private AuditJobHost _jobs = null!;

    public async Task InitializeAsync() => _jobs = await AuditJobHost.StartAsync(database);

    public async Task DisposeAsync() => await _jobs.DisposeAsync();

    private async Task<Audit> AuditOnceAsync(string cameraKey)
    {
        var (_, id) = await _jobs.RunAsync(cameraKey);
        await using var read = database.NewContext();
        return await read.Audits.Include(a => a.Camera).SingleAsync(a => a.Id == id);
    }

    [Fact]
    public async Task Camera_answering_401_gives_a_failed_audit_with_the_reason()
    {
        var audit = await AuditOnceAsync(await _jobs.AddCameraAsync(CameraMode.Unauthorized));
        Assert.Equal(AuditStatuses.Failed, audit.Status);
        Assert.Contains("401", audit.FailureReason);
        Assert.Equal(1, audit.Camera.ConsecutiveFailures);
    }

    [Fact]
    public async Task Camera_failing_three_times_in_a_row_is_offline_until_it_answers_again()
    {
        string key = await _jobs.AddCameraAsync(CameraMode.ServerError);
        Assert.Null((await AuditOnceAsync(key)).Camera.OfflineSince);
        Assert.Null((await AuditOnceAsync(key)).Camera.OfflineSince);
        var third = await AuditOnceAsync(key);
        Assert.NotNull(third.Camera.OfflineSince);
        Assert.Contains("500", third.Camera.LastFailure);

        await using (var db = database.NewContext())
            await db.Cameras.Where(c => c.Key == key).ExecuteUpdateAsync(c => c.SetProperty(x => x.Source, _jobs.Cameras.Add(CameraMode.Live)));
        var back = await AuditOnceAsync(key);
        Assert.Equal(AuditStatuses.Ok, back.Status);
        Assert.Null(back.Camera.OfflineSince);
        Assert.Equal(0, back.Camera.ConsecutiveFailures);
        Assert.NotNull(back.SnapshotPath);
        Assert.True(File.Exists(Path.Combine(_jobs.Evidence.Path, back.SnapshotPath)));
    }

    [Fact]
    public async Task Frozen_picture_is_a_failed_audit_not_an_empty_window()
    {
        string key = await _jobs.AddCameraAsync(CameraMode.Normal); // the same bytes at every request
        Assert.Equal(AuditStatuses.Ok, (await AuditOnceAsync(key)).Status);
        var second = await AuditOnceAsync(key);
        Assert.Equal(AuditStatuses.Failed, second.Status);
        Assert.Contains("frozen", second.FailureReason);
    }

    [Fact]
    public async Task Covered_lens_is_a_failed_audit_not_an_empty_window()
    {
        var audit = await AuditOnceAsync(await _jobs.AddCameraAsync(CameraMode.Black));
        Assert.Equal(AuditStatuses.Failed, audit.Status);
        Assert.Contains("all-black", audit.FailureReason);
    }

    [Fact]
    public async Task Live_camera_gives_an_ok_audit_each_time()
    {
        string key = await _jobs.AddCameraAsync(CameraMode.Live);
        for (int i = 0; i < 3; i++) Assert.Equal(AuditStatuses.Ok, (await AuditOnceAsync(key)).Status);
    }
}
