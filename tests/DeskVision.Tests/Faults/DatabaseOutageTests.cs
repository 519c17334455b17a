using System.Net;
using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Tests.Cameras;
using DeskVision.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace DeskVision.Tests.Faults;

/// <summary>PostgreSQL going away in the middle of a run of audits, then coming back: nothing lost, nothing doubled.</summary>
[Trait("Category", "Slow")]
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_planned_audit_is_stored_once_after_the_database_comes_back()
    {
        await using var cluster = await PostgresCluster.StartAsync();
        await using (var admin = new NpgsqlConnection(cluster.ConnectionString()))
        {
            await admin.OpenAsync();
            await new NpgsqlCommand("CREATE DATABASE outage", admin).ExecuteNonQueryAsync();
        }
        string connection = cluster.ConnectionString("outage");
        var options = DeskVisionDb.Options(connection);
        await using (var db = new DeskVisionDb(options)) await db.Database.MigrateAsync();

        await using var cameras = new CameraSimulator();
        await cameras.InitializeAsync();
        const int Cameras = 4, Burst = 8;
        await using (var db = new DeskVisionDb(options))
        {
            for (int i = 0; i < Cameras; i++)
                await TestCameras.AddAsync(db, $"outage-{i}", "outage-hall", $"{i + 1}号窗口", cameras.Add(CameraMode.Live));
            // Each "audit now" is a burst of 8 snapshots 2 s apart: 16 s of work the outage falls into.
            await db.Cameras.ExecuteUpdateAsync(c => c.SetProperty(x => x.BurstSize, Burst).SetProperty(x => x.BurstIntervalSeconds, 2));
        }

        using var evidence = new TestData.TempFolder();
        using var web = new DeskVisionProcess("web", new Dictionary<string, string>
        {
            ["DESKVISION_DB"] = connection,
            ["DESKVISION_MODEL"] = "n",
            ["DESKVISION_SITE"] = evidence.File("no-site"),
            ["DESKVISION_EVIDENCE"] = evidence.Path,
            ["DESKVISION_JOB_TIMEOUT_SECONDS"] = "5",
            ["DESKVISION_LOCK_TIMEOUT_SECONDS"] = "5",
        }, "serve", "--urls", "http://127.0.0.1:0");
        try
        {
            string up = await web.WaitForAsync("DeskVision is up: ", DeskVisionProcess.StartUp);
            await SignedInClient.CreateAccountAsync(connection, "admin", Roles.Admin);
            using var http = await SignedInClient.SignInAsync(new Uri(up.Split("up: ")[1].Split(' ')[0]), "admin");
            for (int i = 0; i < Cameras; i++) (await http.PostAsync($"/api/cameras/outage-{i}/audit-now", null)).EnsureSuccessStatusCode();

            await Task.Delay(TimeSpan.FromSeconds(4));
            cluster.Stop();
            output.WriteLine($"database stopped at {DateTime.UtcNow:HH:mm:ss}");

            // Meanwhile the web app says so plainly.
            var page = await http.GetAsync("/");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            string html = await page.Content.ReadAsStringAsync();
            Assert.Contains("Database unavailable", html);
            Assert.DoesNotContain("Exception", html);
            Assert.DoesNotContain(" at ", html);

            await Task.Delay(TimeSpan.FromSeconds(8));
            await cluster.StartAgainAsync();
            output.WriteLine($"database back at {DateTime.UtcNow:HH:mm:ss}");

            await using var db = new DeskVisionDb(options);
            int planned = await db.PlannedAudits.CountAsync();
            Assert.Equal(Cameras * Burst, planned);
            for (var until = DateTime.UtcNow.AddSeconds(120); ; await Task.Delay(500))
            {
                int done = await db.PlannedAudits.CountAsync(p => p.State == PlannedAuditStates.Done);
                if (done == planned) break;
                if (DateTime.UtcNow > until) throw new TimeoutException($"{done} of {planned} planned audits done 120 s after the database came back");
            }
            var audits = await db.Audits.AsNoTracking().ToListAsync();
            Assert.Equal(planned, audits.Count);
            Assert.All(audits.GroupBy(a => a.PlannedAuditId), g => Assert.Single(g));
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/")).StatusCode);
        }
        catch
        {
            output.WriteLine(web.Tail(60));
            throw;
        }
    }
}
