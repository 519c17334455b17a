using System.Net.Http.Json;
using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Tests.Cameras;
using DeskVision.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace DeskVision.Tests.ScaleOut;

/// <summary>
/// Scale-out on Hangfire: one web process and two worker processes share one PostgreSQL job store; 50 cameras on a
/// local HTTP camera simulator; one worker is killed mid-run. Every planned audit must be stored exactly once.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ScaleOutTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Cameras = 50, BurstSize = 2;
    private readonly DatabaseFixture _database = new();
    private readonly CameraSimulator _cameras = new();
    private readonly TestData.TempFolder _evidence = new();

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await _cameras.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _cameras.DisposeAsync();
        await _database.DisposeAsync();
        _evidence.Dispose();
    }

    [Fact]
    public async Task Two_workers_run_every_planned_audit_exactly_once_even_when_one_is_killed()
    {
        await using (var db = _database.NewContext())
        {
            for (int i = 0; i < Cameras; i++)
                await TestCameras.AddAsync(db, $"cam-{i:00}", "scale-hall", $"{i + 1}号窗口", _cameras.Add(CameraMode.Live), TestCameras.LowerCounter);
            await db.Cameras.ExecuteUpdateAsync(c => c.SetProperty(x => x.BurstSize, BurstSize).SetProperty(x => x.BurstIntervalSeconds, 1));
        }

        var env = new Dictionary<string, string>
        {
            ["DESKVISION_DB"] = _database.ConnectionString,
            ["DESKVISION_MODEL"] = "n",
            ["DESKVISION_SITE"] = Path.Combine(_evidence.Path, "no-site"),
            ["DESKVISION_EVIDENCE"] = _evidence.Path,
            ["DESKVISION_JOB_TIMEOUT_SECONDS"] = "5",
            ["DESKVISION_LOCK_TIMEOUT_SECONDS"] = "5",
            ["DESKVISION_WEB_JOBS"] = "false",
        };
        // One after the other: a process needs 6-8 s of CPU to start (migrations, model, standard, Hangfire schema), so
        // on the loaded 2-core test machine three starting at once took 90 s each, and starved the tests running beside.
        using var web = new DeskVisionProcess("web", env, "serve", "--urls", "http://127.0.0.1:0");
        DeskVisionProcess? workerA = null, workerB = null;
        try
        {
            string up = await web.WaitForAsync("DeskVision is up: ", DeskVisionProcess.StartUp);
            var baseUrl = new Uri(up.Split("up: ")[1].Split(' ')[0]);
            workerA = new DeskVisionProcess("worker A", env, "worker");
            workerB = new DeskVisionProcess("worker B", env, "worker");
            await workerA.WaitForAsync("is running Hangfire jobs", DeskVisionProcess.StartUp);
            await workerB.WaitForAsync("is running Hangfire jobs", DeskVisionProcess.StartUp);

            await SignedInClient.CreateAccountAsync(_database.ConnectionString, "admin", Roles.Admin);
            using var http = await SignedInClient.SignInAsync(baseUrl, "admin");
            for (int i = 0; i < Cameras; i++)
                (await http.PostAsync($"/api/cameras/cam-{i:00}/audit-now", null)).EnsureSuccessStatusCode();

            await using var db = _database.NewContext();
            int planned = await db.PlannedAudits.CountAsync();
            Assert.Equal(Cameras * BurstSize, planned);

            await WaitUntil(async () => await db.Audits.CountAsync() >= 15, TimeSpan.FromSeconds(90), "15 audits stored",
                async () => $"{await db.Audits.CountAsync()} audits stored");
            workerA.Kill();
            output.WriteLine($"killed worker A (pid {workerA.Id}) after {await db.Audits.CountAsync()} audits");

            await WaitUntil(async () => await db.PlannedAudits.CountAsync(p => p.State == PlannedAuditStates.Done) == planned,
                TimeSpan.FromSeconds(150), "every planned audit done",
                async () => $"{await db.PlannedAudits.CountAsync(p => p.State == PlannedAuditStates.Done)} of {planned} done, {await db.Audits.CountAsync()} audits stored");

            var audits = await db.Audits.AsNoTracking().ToListAsync();
            Assert.Equal(planned, audits.Count);
            Assert.All(audits.GroupBy(a => a.PlannedAuditId), g => Assert.Single(g));
            Assert.All(audits, a => Assert.Equal(AuditStatuses.Ok, a.Status));
            var byProcess = audits.GroupBy(a => a.ProcessedBy).ToDictionary(g => g.Key!, g => g.Count());
            output.WriteLine(string.Join(", ", byProcess.Select(p => $"{p.Key}: {p.Value}")));
            Assert.True(byProcess.Count >= 2, "the work was not shared between the workers");
            Assert.Contains(byProcess.Keys, k => k.EndsWith($":{workerB.Id}", StringComparison.Ordinal));
            Assert.DoesNotContain(byProcess.Keys, k => k.EndsWith($":{web.Id}", StringComparison.Ordinal));

            // The web app shows what the workers stored.
            Assert.Contains("50号窗口", await http.GetStringAsync("/"));
            string cameraPage = await http.GetStringAsync("/cameras");
            Assert.Contains("cam-49", cameraPage);
            Assert.Contains(DeskVision.Web.Resources.Text.In("zh")["Cameras.Online"], cameraPage);
            var last = audits.MaxBy(a => a.Id)!;
            Assert.Contains("<svg", await http.GetStringAsync($"/audits/{last.Id}"));
            var image = await http.GetAsync($"/evidence/audits/{last.Id}");
            Assert.Equal("image/jpeg", image.Content.Headers.ContentType?.MediaType);
        }
        catch
        {
            foreach (var p in new[] { web, workerA, workerB }.OfType<DeskVisionProcess>()) output.WriteLine($"--- {p.Name}\n{p.Tail()}");
            throw;
        }
        finally
        {
            workerA?.Dispose();
            workerB?.Dispose();
        }
    }

    private static async Task WaitUntil(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<Task<string>> state)
    {
        var until = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"not reached in {timeout.TotalSeconds} s: {what} ({await state()})");
            await Task.Delay(250);
        }
    }
}
