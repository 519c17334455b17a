using System.Diagnostics;
using DeskVision.Store;
using DeskVision.Tests.Reports;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace DeskVision.Tests.WebApp;

/// <summary>
/// The pages with a year of audits for 20 windows at 3 audits a day (21,900 audits, a violation in every third),
/// seeded in SQL into a database of their own: each page answers in under a second once warm. Timings are printed.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PageSpeedTests(PagesHost host, ITestOutputHelper output) : IClassFixture<PagesHost>
{
    public const int Windows = 20, Days = 365;

    [Fact]
    public async Task A_year_of_audits_for_twenty_windows_loads_in_under_a_second_per_page()
    {
        var names = Enumerable.Range(1, Windows).Select(i => $"{i}号窗口").ToArray();
        var hall = await TestHall.OpenAsync(host.Database, names);
        var site = await hall.SiteAsync();
        var cameras = names.Select(hall.CameraId).ToArray();
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-(Days - 1)), TimeSpan.Zero);
        var seeding = Stopwatch.StartNew();
        int staff = await hall.StaffAsync("张敏", names[0]);
        await hall.ShiftAsync(staff, names[0], start.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        await using (var db = host.Database.NewContext())
        {
            db.Database.SetCommandTimeout(300);
            int standard = await db.StandardVersions.OrderByDescending(s => s.Id).Select(s => s.Id).FirstAsync();
            int[] clauses = await db.Clauses.Where(c => c.StandardVersionId == standard && new[]
                { "desk.phone-on-desk", "desk.cup", "desk.private-items", "behaviour.no-eating", "presence.unattended-window" }.Contains(c.Key)).Select(c => c.Id).ToArrayAsync();
            // 10:00, 14:00 and 16:00 in the hall (UTC+8).
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "Audits" ("CameraId", "TakenAt", "StoredAt", "Status", "ModelId", "StandardVersionId", "ImageWidth", "ImageHeight", "Score", "Source")
                SELECT c.id, d.day + h.off, d.day + h.off, 'ok', 'bench', {standard}, 1000, 1000, 100, 'bench'
                FROM unnest({cameras}) AS c(id),
                     generate_series({start}::timestamptz, {start}::timestamptz + make_interval(days => {Days - 1}), interval '1 day') AS d(day),
                     unnest(ARRAY[interval '2 hours', interval '6 hours', interval '8 hours']) AS h(off)
                """);
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO "AuditViolations" ("AuditId", "ClauseId", "ZoneName", "Points", "Reason", "X1", "Y1", "X2", "Y2", "ClosedAt")
                SELECT a."Id", ({clauses})[1 + a."Id" % {clauses.Length}], 'counter', 2, 'bench',
                       100 + (a."Id" % 7) * 60, 420, 220 + (a."Id" % 7) * 60, 560, CASE WHEN a."Id" % 2 = 0 THEN a."TakenAt" + interval '1 hour' END
                FROM "Audits" a WHERE a."ModelId" = 'bench' AND a."CameraId" = ANY({cameras}) AND a."Id" % 3 = 0
                """);
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE "Audits" a SET "Score" = 98 FROM "AuditViolations" v WHERE v."AuditId" = a."Id" AND a."ModelId" = 'bench' AND a."CameraId" = ANY({cameras})
                """);
            await db.Database.ExecuteSqlRawAsync("ANALYZE");
            Assert.Equal(Windows * Days * 3, await db.Audits.CountAsync(a => cameras.Contains(a.CameraId)));
        }
        output.WriteLine($"seeded {Windows * Days * 3} audits in {seeding.ElapsedMilliseconds} ms");

        long audit;
        await using (var db = host.Database.NewContext())
            audit = await db.Audits.Where(a => a.CameraId == cameras[3] && a.Violations.Any()).OrderByDescending(a => a.TakenAt).Select(a => a.Id).FirstAsync();
        int window;
        await using (var db = host.Database.NewContext()) window = await db.Cameras.Where(c => c.Id == cameras[0]).Select(c => c.WindowId).FirstAsync();
        using var manager = await host.ClientAsync(await host.UserAsync(Roles.Manager, [site.Id]));
        using var me = await host.ClientAsync(await host.UserAsync(Roles.Staff, staffId: staff));
        string s = $"site={hall.Key}";
        var pages = new (HttpClient Client, string Path)[]
        {
            (manager, $"/heatmaps?{s}"), (manager, $"/heatmaps?{s}&by=day&measure=score"), (manager, $"/heatmaps/density.png?{s}&window={window}"),
            (manager, $"/heatmaps/audits?{s}&window={window}&hour=10"), (manager, $"/trends?{s}&weeks=52"), (manager, $"/review/{audit}"),
            (manager, $"/cameras/{hall.Key}-w1/zones"), (me, "/me"),
        };
        var slow = new List<string>();
        foreach (var (client, path) in pages)
        {
            var cold = Stopwatch.StartNew();
            (await client.GetAsync(path)).EnsureSuccessStatusCode();
            cold.Stop();
            var warm = Stopwatch.StartNew();
            var response = await client.GetAsync(path);
            warm.Stop();
            response.EnsureSuccessStatusCode();
            output.WriteLine($"{path,-70} first {cold.ElapsedMilliseconds,5} ms   then {warm.ElapsedMilliseconds,5} ms   {(await response.Content.ReadAsByteArrayAsync()).Length / 1024,5} KB");
            Console.WriteLine($"[page speed] {path} first {cold.ElapsedMilliseconds} ms, then {warm.ElapsedMilliseconds} ms");
            if (warm.ElapsedMilliseconds >= 1000) slow.Add($"{path}: {warm.ElapsedMilliseconds} ms");
        }
        Assert.Empty(slow);
    }
}
