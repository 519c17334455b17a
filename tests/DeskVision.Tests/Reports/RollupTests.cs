using DeskVision.Store;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Reports;
using static DeskVision.Tests.Reports.SeededMonth;

namespace DeskVision.Tests.Reports;

/// <summary>Roll-ups per day, week, month and hall, 日清日结, and attribution through the duty roster.</summary>
public sealed class RollupTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private async Task<(Site Site, Rollups Rollups, DeskVisionDb Db)> OpenAsync(SeededMonth month)
    {
        var db = database.NewContext();
        return (await month.Hall.SiteAsync(), new Rollups(db), db);
    }

    [Fact]
    public async Task Calendar_series_agree_with_the_hand_computed_month()
    {
        var (site, rollups, db) = await OpenAsync(await SeedAsync(database));
        await using var _ = db;
        var march = SitePeriod.Month(site, March);

        var days = await rollups.ByCalendarAsync("day", site, march, default);
        Assert.Equal(["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"], days.Select(d => d.Key));
        // 03-02: 1号 100, 2号 97, 3号 100 (overturned); 03-04: 3号's audit failed, so two audits.
        Assert.Equal([3, 3, 2, 3], days.Select(d => d.Audits));
        Assert.Equal([99.0, (98 + 94 + 93) / 3.0, 100, (100 + 95 + 98) / 3.0], days.Select(d => Math.Round(d.AverageScore!.Value, 9)).ToArray(),
            new RoundedComparer());
        Assert.Equal([1, 5, 0, 2], days.Select(d => d.Violations));
        Assert.Equal([1, 0, 0, 0], days.Select(d => d.Overturned));

        var week = Assert.Single(await rollups.ByCalendarAsync("week", site, march, default));   // 2026-03-02 is a Monday
        Assert.Equal(("2026-03-02", 11, 8), (week.Key, week.Audits, week.Violations));
        var months = await rollups.ByCalendarAsync("month", site, SitePeriod.Days(site, new DateOnly(2026, 2, 1), new DateOnly(2026, 4, 1)), default);
        Assert.Equal(["2026-02-01", "2026-03-01"], months.Select(m => m.Key));
        var whole = months[1];
        Assert.Equal(1075.0 / 11, whole.AverageScore!.Value, 9);
        Assert.Equal((25.0, 3), (whole.Points, whole.Open));

        var hall = Assert.Single(await rollups.ByHallAsync(march, default), h => h.Key == site.Key);
        Assert.Equal((11, 8, 25.0, 3, 1), (hall.Audits, hall.Violations, hall.Points, hall.Open, hall.Overturned));
        Assert.Equal(1075.0 / 11, hall.AverageScore!.Value, 9);
    }

    [Fact]
    public async Task Audit_in_the_small_hours_belongs_to_the_local_day_not_the_utc_one()
    {
        var hall = await TestHall.OpenAsync(database, W1);
        await hall.AuditAsync(W1, TestHall.At(7, 1, 7, 30), ("desk.cup", "counter"));   // 2026-06-30 23:30 UTC
        var site = await hall.SiteAsync();
        await using var db = database.NewContext();
        var day = Assert.Single(await new Rollups(db).ByCalendarAsync("day", site, SitePeriod.Month(site, new DateOnly(2026, 7, 1)), default));
        Assert.Equal("2026-07-01", day.Key);
        Assert.Empty(await new Rollups(db).ByCalendarAsync("day", site, SitePeriod.Month(site, new DateOnly(2026, 6, 1)), default));
    }

    [Fact]
    public async Task Daily_summary_shows_what_each_window_found_and_what_is_still_open_at_the_day_end()
    {
        var month = await SeedAsync(database);
        var (site, _, db) = await OpenAsync(month);
        await using var _ = db;

        var day = await new DailySummaries(db).BuildAsync(site, new DateOnly(2026, 3, 3), default);
        var lines = day.Windows.ToDictionary(w => w.Window);
        Assert.Equal((1, 1, 1), (lines[W1].Found, lines[W1].FoundStillOpen, lines[W1].OpenAtDayEnd));   // the cup, rectified the next day
        Assert.Equal((2, 2, 3), (lines[W2].Found, lines[W2].FoundStillOpen, lines[W2].OpenAtDayEnd));   // plus 03-02's phone
        Assert.Equal((2, 2, 2), (lines[W3].Found, lines[W3].FoundStillOpen, lines[W3].OpenAtDayEnd));   // 03-02's overturned one is not counted
        Assert.Equal(new Dictionary<string, int> { [Eating] = 1, [Phone] = 1 }, lines[W2].FoundByClause);
        Assert.Equal(["张敏"], lines[W1].OnDuty);
        Assert.Equal(["王芳"], lines[W3].OnDuty);
        Assert.Empty(lines[W4].OnDuty);
        Assert.Equal(0, lines[W4].Audits);

        var friday = (await new DailySummaries(db).BuildAsync(site, new DateOnly(2026, 3, 5), default)).Windows.Single(w => w.Window == W3);
        Assert.Empty(friday.OnDuty);
        Assert.Equal((1, 1, 2), (friday.Unrostered, friday.Found, friday.OpenAtDayEnd));   // both private-items sightings still open
    }

    [Fact]
    public async Task Violation_belongs_to_the_staff_member_whose_shift_covers_the_audit_time()
    {
        var hall = await TestHall.OpenAsync(database, W1);
        int morning = await hall.StaffAsync("张敏", W1), afternoon = await hall.StaffAsync("赵磊");
        await hall.ShiftAsync(morning, W1, TestHall.At(8, 3, 9), TestHall.At(8, 3, 12));
        await hall.ShiftAsync(afternoon, W1, TestHall.At(8, 3, 13, 30), TestHall.At(8, 3, 17, 30));
        await hall.AuditAsync(W1, TestHall.At(8, 3, 11, 59), ("desk.cup", "counter"));
        await hall.AuditAsync(W1, TestHall.At(8, 3, 12, 0), ("desk.cup", "counter"));      // the shift ended at 12:00: no one
        await hall.AuditAsync(W1, TestHall.At(8, 3, 13, 30), ("desk.cup", "counter"), ("desk.phone-on-desk", "counter"));

        var site = await hall.SiteAsync();
        await using var db = database.NewContext();
        var staff = (await new Rollups(db).ByStaffAsync(site, SitePeriod.Month(site, new DateOnly(2026, 8, 1)), default)).ToDictionary(s => s.Label);
        Assert.Equal((1, 1), (staff["张敏"].Audits, staff["张敏"].Violations));
        Assert.Equal((1, 2), (staff["赵磊"].Audits, staff["赵磊"].Violations));
        // 张敏 usually works 1号窗口, but the roster has no one at 12:00: the gap is shown, not filled with her.
        Assert.Equal((1, 1), (staff[Rollups.NoOneOnRoster].Audits, staff[Rollups.NoOneOnRoster].Violations));
    }

    /// <summary>Compares averages to nine decimals: SQL's avg and C#'s division round the last bit differently.</summary>
    private sealed class RoundedComparer : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) < 1e-9;
        public int GetHashCode(double d) => 0;
    }
}
