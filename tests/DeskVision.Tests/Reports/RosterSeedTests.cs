using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Hosting;
using DeskVision.Web.Schedules;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace DeskVision.Tests.Reports;

/// <summary>The demo site's week-plan roster (sites/demo/site.yaml) laid out as shifts, and a roster file with a mistake.</summary>
public sealed class RosterSeedTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly string Demo = Path.Combine(TestData.Root, "sites", "demo");

    /// <summary>The seed as start-up runs it, with Hangfire's real PostgreSQL storage (no server: nothing runs).</summary>
    private async Task<IReadOnlyList<string>> LoadAsync(string folder)
    {
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(database.ConnectionString, new PostgreSqlStorageOptions()),
            new PostgreSqlStorageOptions { PrepareSchemaIfNecessary = true });
        await using var db = database.NewContext();
        var scheduler = new AuditScheduler(db, new RecurringJobManager(storage), new BackgroundJobClient(storage), TimeProvider.System,
            NullLogger<AuditScheduler>.Instance);
        return await new SiteSeed(db, new AuditWriter(db), scheduler, NullLogger<SiteSeed>.Instance).LoadAsync(folder, default);
    }

    [Fact]
    public async Task Demo_roster_puts_each_window_holder_on_duty_in_opening_hours_and_leaves_the_gaps_open()
    {
        await LoadAsync(Demo);
        await LoadAsync(Demo);   // start-up runs it every time: the shifts are replaced, not doubled

        await using var db = database.NewContext();
        var shifts = await db.DutyShifts.AsNoTracking().Include(s => s.Staff).Include(s => s.Window).ThenInclude(w => w.Site)
            .Where(s => s.Window.Site.Key == "demo-hall").ToListAsync();
        var zone = AuditScheduler.SiteZone(shifts[0].Window.Site);
        var local = shifts.Select(s => (Staff: s.Staff.Name, Window: s.Window.Name, From: TimeZoneInfo.ConvertTime(s.From, zone).DateTime, To: TimeZoneInfo.ConvertTime(s.To, zone).DateTime)).ToList();

        Assert.Equal(local.Count, local.Distinct().Count());
        Assert.All(local, s => Assert.True(s.From.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday), $"{s} is at a weekend"));
        var monday = local.Where(s => s.From.DayOfWeek == DayOfWeek.Monday).Select(s => s.From.Date).Max();
        Assert.Equal(
            [("张敏", "1号窗口", "09:00-12:00"), ("张敏", "1号窗口", "13:30-17:30"), ("李强", "2号窗口", "09:00-12:00"), ("李强", "2号窗口", "13:30-17:30"),
             ("王芳", "3号窗口", "09:00-12:00"), ("王芳", "3号窗口", "13:30-17:30")],
            local.Where(s => s.From.Date == monday).Select(s => (s.Staff, s.Window, $"{s.From:HH:mm}-{s.To:HH:mm}")).Order().ToArray());
        // Wednesday afternoon 赵磊 covers 2号窗口; Friday afternoon nobody is at 3号窗口.
        Assert.Contains(local, s => s.Staff == "赵磊" && s.Window == "2号窗口" && s.From.DayOfWeek == DayOfWeek.Wednesday && s.From.Hour == 13);
        Assert.DoesNotContain(local, s => s.Window == "3号窗口" && s.From.DayOfWeek == DayOfWeek.Friday && s.From.Hour >= 12);
        Assert.DoesNotContain(local, s => s.From.Date is { Month: 10, Day: >= 1 and <= 3 } && s.From.Year == 2026);   // holidays
    }

    [Fact]
    public async Task Roster_with_two_people_at_one_window_is_rejected_naming_the_entry_and_line()
    {
        using var folder = new TestData.TempFolder();
        // The demo's camera files with the reference pictures they name.
        foreach (string file in Directory.GetFiles(Path.Combine(Demo, "cameras"), "*", SearchOption.AllDirectories))
        {
            string copy = Path.Combine(folder.Path, Path.GetRelativePath(Demo, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        string site = File.ReadAllText(Path.Combine(Demo, "site.yaml"));
        File.WriteAllText(folder.File("site.yaml"), site.Replace("  window: 2号窗口\n  hours: wed 13:30-17:30", "  window: 2号窗口\n  hours: wed 11:00-17:30"));

        var e = await Assert.ThrowsAsync<ConfigException>(() => LoadAsync(folder.Path));
        Assert.Equal(("hours", "roster[2] (赵磊)"), (e.Field, e.Entry));
        Assert.Contains("overlaps roster[1] (李强) at 2号窗口 on Wed", e.Message);
        Assert.Equal(File.ReadAllLines(folder.File("site.yaml")).ToList().FindIndex(l => l.Contains("wed 11:00-17:30")) + 1, e.Line);
    }
}
