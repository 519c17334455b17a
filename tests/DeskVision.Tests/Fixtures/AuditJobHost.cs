using DeskVision.Store;
using DeskVision.Tests.Cameras;
using DeskVision.Web.Audits;
using DeskVision.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DeskVision.Tests.Fixtures;

/// <summary>
/// The audit job as a worker runs it (the app's own services, yolov8n, no Hangfire server) over a test database, with
/// a camera simulator on 127.0.0.1 and an evidence folder of its own. Tests plan an audit and run its job here.
/// </summary>
public sealed class AuditJobHost : IAsyncDisposable
{
    private readonly DatabaseFixture _database;
    private readonly ServiceProvider _services;

    public CameraSimulator Cameras { get; }
    public TestData.TempFolder Evidence { get; }

    private AuditJobHost(DatabaseFixture database, CameraSimulator cameras, TestData.TempFolder evidence, ServiceProvider services) =>
        (_database, Cameras, Evidence, _services) = (database, cameras, evidence, services);

    public static async Task<AuditJobHost> StartAsync(DatabaseFixture database)
    {
        var cameras = new CameraSimulator();
        await cameras.InitializeAsync();
        var evidence = new TestData.TempFolder();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DESKVISION_DB"] = database.ConnectionString,
            ["DESKVISION_MODEL"] = "n",
            ["DESKVISION_EVIDENCE"] = evidence.Path,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddDeskVision(config, runJobs: false).BuildServiceProvider();
        return new AuditJobHost(database, cameras, evidence, services);
    }

    /// <summary>A camera of its own window served by the simulator in <paramref name="mode"/>; returns its key.</summary>
    public Task<string> AddCameraAsync(CameraMode mode, string site = "job-hall", string zones = TestCameras.WholeSeat) =>
        TestCameras.AddSimulatedAsync(_database, Cameras, mode, "job", site, zones);

    /// <summary>Plans one snapshot of the camera due now (a burst's first, or a later one of <paramref name="burstOf"/>) and runs its job.</summary>
    public async Task<(long Plan, long? Audit)> RunAsync(string cameraKey, string kind = PlannedAuditKinds.SpotCheck, int burstIndex = 0, long? burstOf = null)
    {
        await using var scope = _services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskVisionDb>();
        var plan = db.PlannedAudits.Add(new PlannedAudit
        {
            CameraId = await db.Cameras.Where(c => c.Key == cameraKey).Select(c => c.Id).FirstAsync(),
            Day = DateOnly.FromDateTime(DateTime.UtcNow), Kind = kind, DueAt = DateTimeOffset.UtcNow, BurstIndex = burstIndex, BurstOf = burstOf,
        }).Entity;
        await db.SaveChangesAsync();
        return (plan.Id, await scope.ServiceProvider.GetRequiredService<CameraAuditJob>().RunPlannedAsync(plan.Id, default));
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        HangfireLogs.Release();
        await Cameras.DisposeAsync();
        Evidence.Dispose();
    }
}
