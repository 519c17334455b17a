using ClosedXML.Excel;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Reports;
using static DeskVision.Tests.Reports.SeededMonth;

namespace DeskVision.Tests.Reports;

/// <summary>The monthly window report of 003 四(四)1, on the hand-computed month of <see cref="SeededMonth"/>.</summary>
public sealed class MonthlyReportTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Windows_are_ranked_by_average_counted_score_and_the_best_is_the_service_star()
    {
        var report = await (await SeedAsync(database)).ReportAsync(database);

        Assert.Equal([W1, W3, W2, W4], report.Windows.Select(w => w.Window));
        Assert.Equal([1, 2, 3, null], report.Windows.Select(w => w.Rank));
        Assert.Equal([99.5, 97.0, 96.5], report.Windows.Take(3).Select(w => Math.Round(w.AverageScore!.Value, 6)));
        Assert.Equal([4, 3, 4, 0], report.Windows.Select(w => w.Audits));   // 3号's failed audit does not count
        Assert.Equal([1, 3, 4, 0], report.Windows.Select(w => w.Violations));
        Assert.Equal([2.0, 9, 14, 0], report.Windows.Select(w => w.Points));
        Assert.Equal(W1, Assert.Single(report.Stars).Window);
        Assert.Equal(W2, Assert.Single(report.Lowest).Window);
        var unaudited = report.Windows.Single(w => w.Window == W4);
        Assert.False(unaudited.IsStar || unaudited.IsLowest);
        Assert.Null(unaudited.AverageScore);
    }

    [Fact]
    public async Task Lowest_window_is_listed_with_its_open_violations_for_rectification()
    {
        var report = await (await SeedAsync(database)).ReportAsync(database);

        // 2号's phones and eating were rectified by the clean audit of 03-04; the empty seat of 03-05 is still open.
        var open = Assert.Single(report.OpenForRectification);
        Assert.Equal((W2, Unattended, "seat", 1), (open.Window, open.Clause, open.Zone, open.Times));
        Assert.Equal(TestHall.At(3, 5, 10), open.FirstSeen);
        Assert.Equal(["李强"], open.Staff);
        Assert.Equal([0, 2, 1, 0], report.Windows.Select(w => w.Open));   // 3号: the private items of 03-03 and 03-05
    }

    [Fact]
    public async Task Per_clause_counts_leave_out_overturned_violations_and_compare_with_the_previous_month()
    {
        var report = await (await SeedAsync(database)).ReportAsync(database);

        var counts = report.Clauses.ToDictionary(c => c.Clause, c => (c.Count, c.PreviousCount));
        Assert.Equal(new Dictionary<string, (int, int)>
        {
            [Phone] = (2, 1), [Unattended] = (2, 0), [Private] = (2, 0), [Cup] = (1, 1), [Eating] = (1, 0),
        }, counts);
        var unattended = report.Clauses.Single(c => c.Clause == Unattended);
        Assert.Equal(new Dictionary<string, int> { [W2] = 1, [W3] = 1 }, unattended.ByWindow);
        Assert.Equal(("presence", "服务", 10.0), (unattended.Category, unattended.Pillar, unattended.Points));
        Assert.Equal(8, report.Violations);
        Assert.Equal(1, report.Overturned);
    }

    [Fact]
    public async Task Trend_compares_each_window_and_the_hall_with_the_previous_month()
    {
        var report = await (await SeedAsync(database)).ReportAsync(database);

        Assert.Equal([0.5, 0.0, -3.5], report.Windows.Take(3).Select(w => Math.Round(w.Trend!.Value, 6)));
        Assert.Equal([2, 3, 1], report.Windows.Take(3).Select(w => w.PreviousRank));
        Assert.Null(report.Windows[3].Trend);
        Assert.Equal(11, report.Audits);
        Assert.Equal(1075.0 / 11, report.AverageScore!.Value, 9);
        Assert.Equal(99.0, report.PreviousAverageScore!.Value, 9);
        Assert.Equal(("2026-03", "2026-02"), (report.Month, report.PreviousMonth));
    }

    [Fact]
    public async Task Overturned_appeal_no_longer_counts_against_the_window()
    {
        var month = await SeedAsync(database, overturn: false);
        var before = await month.ReportAsync(database);
        Assert.Equal([W1, W2, W3], before.Windows.Take(3).Select(w => w.Window));
        Assert.Equal(286.0 / 3, before.Windows[2].AverageScore!.Value, 9);
        Assert.Equal(W3, Assert.Single(before.Lowest).Window);

        await month.OverturnAsync(database);

        var after = await month.ReportAsync(database);
        Assert.Equal([W1, W3, W2], after.Windows.Take(3).Select(w => w.Window));
        Assert.Equal(97.0, after.Windows[1].AverageScore!.Value, 9);
        Assert.Equal(W2, Assert.Single(after.Lowest).Window);
        Assert.Equal(before.Violations - 1, after.Violations);
    }

    [Fact]
    public async Task Pillars_and_staff_of_the_month_follow_the_standard_file_and_the_roster()
    {
        var report = await (await SeedAsync(database)).ReportAsync(database);

        // desk (cup 1, phone 2, private items 2) → 整理; no-eating → 素养; unattended → 服务.
        Assert.Equal(["整理", "整顿", "清扫", "服务", "安全", "素养"], report.Pillars.Select(p => p.Label));
        Assert.Equal([5, 0, 0, 2, 0, 1], report.Pillars.Select(p => p.Violations));

        var staff = report.Staff.ToDictionary(s => s.Label);
        Assert.Equal((4, 99.5, 1), (staff["张敏"].Audits, staff["张敏"].AverageScore, staff["张敏"].Violations));
        Assert.Equal((4, 96.5, 4), (staff["李强"].Audits, staff["李强"].AverageScore, staff["李强"].Violations));
        Assert.Equal((2, 96.5, 2, 1), (staff["王芳"].Audits, staff["王芳"].AverageScore, staff["王芳"].Violations, staff["王芳"].Overturned));
        Assert.Equal((1, 98.0, 1), (staff[Rollups.NoOneOnRoster].Audits, staff[Rollups.NoOneOnRoster].AverageScore, staff[Rollups.NoOneOnRoster].Violations));
        Assert.Equal((0, null, 0), (staff["赵磊"].Audits, staff["赵磊"].AverageScore, staff["赵磊"].Violations));
    }

    [Fact]
    public async Task Csv_and_workbook_carry_the_ranking_and_say_the_points_are_local_defaults()
    {
        var report = await (await SeedAsync(database)).ReportAsync(database);

        var (header, rows) = ReportTables.Table(report, "windows");
        byte[] csv = Csv.Encode(header, rows);
        Assert.Equal([0xEF, 0xBB, 0xBF], csv[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(csv[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("rank,window,audits,average_score,violations,points,open,overturned,previous_average,previous_rank,trend,service_star,lowest", lines[0]);
        Assert.Equal("1,1号窗口,4,99.5,1,2,0,0,99,2,0.5,yes,no", lines[1]);
        Assert.Equal("3,2号窗口,4,96.5,4,14,1,0,100,1,-3.5,no,yes", lines[3]);
        Assert.Equal(",4号窗口,0,,0,0,0,0,,,,no,no", lines[4]);

        using var book = new XLWorkbook(new MemoryStream(ReportWorkbook.Write(report)));
        var windows = book.Worksheet("窗口排名 Windows");
        Assert.Equal("1号窗口", windows.Cell(2, 2).GetString());
        Assert.Equal(99.5, windows.Cell(2, 4).GetDouble());
        Assert.Equal("yes", windows.Cell(2, 12).GetString());
        Assert.Equal("2号窗口", book.Worksheet("整改 Open").Cell(2, 1).GetString());
        Assert.Contains(book.Worksheet("说明 Notes").Column(1).CellsUsed(), c => c.GetString().Contains("local defaults"));
        Assert.Contains("本月服务明星 Service star: 1号窗口", book.Worksheet("说明 Notes").Column(1).CellsUsed().Select(c => c.GetString()));
    }
}
