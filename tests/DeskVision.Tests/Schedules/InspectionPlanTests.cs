using DeskVision.Store;
using DeskVision.Web.Schedules;

namespace DeskVision.Tests.Schedules;

/// <summary>一日三巡检 and 监控抽查: when a camera's day is planned.</summary>
public sealed class InspectionPlanTests
{
    private static readonly OpeningHours Hall = OpeningHours.Parse("mon-fri 09:00-12:00 13:30-17:30; sat 09:00-12:00");
    private const string Bands = "09:00-11:30 11:30-14:00 14:00-17:30";
    private static readonly DateOnly Tuesday = new(2026, 11, 24);

    private static IReadOnlyList<PlannedTime> Plan(DateOnly day, int seed, int spotChecks = 2, int burst = 3, IReadOnlyCollection<DateOnly>? holidays = null,
        DateTime? notBefore = null) =>
        AuditPlanner.PlanDay(day, Hall, holidays ?? [], Bands, spotChecks, burst, TimeSpan.FromSeconds(20), new Random(seed), notBefore);

    [Fact]
    public void Open_day_gets_three_inspections_one_in_each_band_inside_opening_hours()
    {
        for (int seed = 0; seed < 200; seed++)
        {
            var starts = Plan(Tuesday, seed, spotChecks: 0, burst: 1);
            Assert.Equal(3, starts.Count);
            Assert.All(starts, p => Assert.Equal(PlannedAuditKinds.Inspection, p.Kind));
            Assert.All(starts, p => Assert.True(Hall.IsOpen(p.Local, []), $"{p.Local:HH:mm:ss} is outside opening hours"));
            var t = starts.Select(p => TimeOnly.FromDateTime(p.Local)).ToList();
            Assert.InRange(t[0], new TimeOnly(9, 0), new TimeOnly(11, 30));
            // The midday band spans the lunch break: its inspection is just before or just after it.
            Assert.True(t[1] >= new TimeOnly(11, 30) && t[1] < new TimeOnly(12, 0) || t[1] >= new TimeOnly(13, 30) && t[1] < new TimeOnly(14, 0), $"{t[1]}");
            Assert.InRange(t[2], new TimeOnly(14, 0), new TimeOnly(17, 30));
        }
    }

    [Fact]
    public void Inspection_times_are_random_so_they_cannot_be_gamed()
    {
        var firstTimes = Enumerable.Range(0, 50).Select(seed => Plan(Tuesday, seed, 0, 1)[0].Local).Distinct().Count();
        Assert.True(firstTimes > 40, $"only {firstTimes} distinct morning times in 50 days");
    }

    [Fact]
    public void Spot_checks_fall_anywhere_in_opening_hours_never_in_the_lunch_break()
    {
        var spots = Enumerable.Range(0, 300).SelectMany(seed => Plan(Tuesday, seed, spotChecks: 3, burst: 1))
            .Where(p => p.Kind == PlannedAuditKinds.SpotCheck).ToList();
        Assert.Equal(900, spots.Count);
        Assert.All(spots, p => Assert.True(Hall.IsOpen(p.Local, []), $"{p.Local:HH:mm:ss}"));
        Assert.Contains(spots, p => p.Local.Hour < 12);
        Assert.Contains(spots, p => p.Local.Hour >= 14);
    }

    [Fact]
    public void Each_audit_is_a_burst_of_snapshots_at_the_configured_interval()
    {
        var plan = Plan(Tuesday, 1, spotChecks: 2, burst: 3);
        Assert.Equal(5 * 3, plan.Count);
        foreach (var burst in plan.Chunk(3))
        {
            Assert.Equal([0, 1, 2], burst.Select(p => p.BurstIndex));
            Assert.Equal(TimeSpan.FromSeconds(20), burst[1].Local - burst[0].Local);
            Assert.Equal(TimeSpan.FromSeconds(40), burst[2].Local - burst[0].Local);
        }
    }

    [Fact]
    public void Closed_days_and_holidays_get_no_audits()
    {
        Assert.Empty(Plan(new DateOnly(2026, 11, 29), 1));                      // Sunday
        Assert.Empty(Plan(Tuesday, 1, holidays: [Tuesday]));                     // a public holiday on a Tuesday
        Assert.All(Plan(new DateOnly(2026, 11, 28), 1, burst: 1), p => Assert.True(p.Local.Hour < 12)); // Saturday mornings only
        Assert.Equal(2, Plan(new DateOnly(2026, 11, 28), 1, spotChecks: 0, burst: 1).Count); // no afternoon band on Saturday
    }

    [Fact]
    public void Planning_later_in_the_day_skips_times_already_past()
    {
        var plan = Plan(Tuesday, 3, notBefore: Tuesday.ToDateTime(new TimeOnly(14, 0)));
        Assert.All(plan, p => Assert.True(p.Local >= Tuesday.ToDateTime(new TimeOnly(14, 0))));
        Assert.Contains(plan, p => p.Kind == PlannedAuditKinds.Inspection);
    }

    [Theory]
    [InlineData("mon-fri 9-12")]
    [InlineData("weekdays 09:00-12:00")]
    [InlineData("mon-fri 12:00-09:00")]
    public void Malformed_opening_hours_are_rejected(string text)
    {
        Assert.Throws<FormatException>(() => OpeningHours.Parse(text));
    }
}
