using DeskVision.Store;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Reports;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Tests.Reports;

/// <summary>申诉: the staff member on duty appeals; a manager upholds or overturns; the decision is kept.</summary>
public sealed class AppealTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const string W = "1号窗口", Phone = "desk.phone-on-desk", Cup = "desk.cup";

    private async Task<(TestHall Hall, int Staff, long Audit)> OnDutyWithPhoneAndCupAsync()
    {
        var hall = await TestHall.OpenAsync(database, W);
        int staff = await hall.StaffAsync("张敏", W);
        await hall.ShiftAsync(staff, W, TestHall.At(6, 1, 9), TestHall.At(6, 1, 12));
        long audit = await hall.AuditAsync(W, TestHall.At(6, 1, 10), (Phone, "counter"), (Cup, "counter"));   // 100 - 3 - 2
        return (hall, staff, audit);
    }

    private async Task<System.Text.Json.JsonElement> ScorecardAsync(long audit)
    {
        await using var db = database.NewContext();
        return System.Text.Json.JsonSerializer.SerializeToElement(await ViolationApi.ScorecardAsync(db, audit, default));
    }

    [Fact]
    public async Task Overturned_violation_gives_its_points_back_and_leaves_the_rollups()
    {
        var (hall, staff, audit) = await OnDutyWithPhoneAndCupAsync();
        var phone = await hall.ViolationAsync(audit, Phone);
        await using (var db = database.NewContext())
        {
            var appeals = new Appeals(db, TimeProvider.System);
            var appeal = await appeals.FileAsync(phone.Id, staff, "That is the hall's service phone, not mine", default);
            Assert.Equal(95, (await ScorecardAsync(audit)).GetProperty("score").GetDouble());   // pending: still counts
            await appeals.DecideAsync(appeal.Id, AppealOutcomes.Overturned, "陈主任", "Service phone, allowed on the counter", default);
        }

        var card = await ScorecardAsync(audit);
        Assert.Equal((98.0, 95.0), (card.GetProperty("score").GetDouble(), card.GetProperty("scoredAs").GetDouble()));
        var desk = card.GetProperty("categories").EnumerateArray().Single(c => c.GetProperty("category").GetString() == "desk");
        Assert.Equal((2.0, 1), (desk.GetProperty("points").GetDouble(), desk.GetProperty("violations").GetInt32()));
        Assert.Equal("overturned", card.GetProperty("violations")[0].GetProperty("state").GetString());

        var site = await hall.SiteAsync();
        await using var read = database.NewContext();
        var window = Assert.Single(await new Rollups(read).ByWindowAsync(site, SitePeriod.Month(site, new DateOnly(2026, 6, 1)), default));
        Assert.Equal((98.0, 1, 2.0, 1), (window.AverageScore, window.Violations, window.Points, window.Overturned));
        var clauses = await new Rollups(read).ByClauseAsync(site, SitePeriod.Month(site, new DateOnly(2026, 6, 1)), default);
        Assert.Equal([(Cup, 1, 0), (Phone, 0, 1)], clauses.Select(c => (c.Key, c.Violations, c.Overturned)));
    }

    [Fact]
    public async Task Upheld_appeal_keeps_the_violation_counting_and_the_decision_is_kept()
    {
        var (hall, staff, audit) = await OnDutyWithPhoneAndCupAsync();
        var cup = await hall.ViolationAsync(audit, Cup);
        await using (var db = database.NewContext())
        {
            var appeals = new Appeals(db, TimeProvider.System);
            var appeal = await appeals.FileAsync(cup.Id, staff, "It was a customer's cup", default);
            await appeals.DecideAsync(appeal.Id, AppealOutcomes.Upheld, "陈主任", "Footage shows it was hers", default);
            var again = await Assert.ThrowsAsync<RefusedException>(() => appeals.DecideAsync(appeal.Id, AppealOutcomes.Overturned, "王副主任", "second look", default));
            Assert.True(again.Conflict);
        }

        Assert.Equal(95, (await ScorecardAsync(audit)).GetProperty("score").GetDouble());
        var kept = (await hall.ViolationAsync(audit, Cup)).Appeal!;
        Assert.Equal((AppealOutcomes.Upheld, "陈主任", "Footage shows it was hers"), (kept.Outcome, kept.DecidedBy, kept.DecisionNote));
        Assert.NotNull(kept.DecidedAt);
        Assert.Equal("It was a customer's cup", kept.Reason);
    }

    [Fact]
    public async Task Only_the_staff_member_on_duty_may_appeal_and_only_once()
    {
        var (hall, staff, audit) = await OnDutyWithPhoneAndCupAsync();
        int colleague = await hall.StaffAsync("李强");
        var phone = await hall.ViolationAsync(audit, Phone);
        await using var db = database.NewContext();
        var appeals = new Appeals(db, TimeProvider.System);

        var notTheirs = await Assert.ThrowsAsync<RefusedException>(() => appeals.FileAsync(phone.Id, colleague, "not me", default));
        Assert.Equal("staffId", notTheirs.Field);
        Assert.Contains("张敏 was on duty", notTheirs.Message);
        Assert.Equal("reason", (await Assert.ThrowsAsync<RefusedException>(() => appeals.FileAsync(phone.Id, staff, "", default))).Field);

        var appeal = await appeals.FileAsync(phone.Id, staff, "service phone", default);
        Assert.True((await Assert.ThrowsAsync<RefusedException>(() => appeals.FileAsync(phone.Id, staff, "again", default))).Conflict);
        Assert.Equal("outcome", (await Assert.ThrowsAsync<RefusedException>(() => appeals.DecideAsync(appeal.Id, "maybe", "陈主任", "?", default))).Field);
    }

    [Fact]
    public async Task Overturned_violation_is_listed_as_a_false_positive_with_its_detection()
    {
        var (hall, staff, audit) = await OnDutyWithPhoneAndCupAsync();
        var phone = await hall.ViolationAsync(audit, Phone);
        await using var db = database.NewContext();
        var appeals = new Appeals(db, TimeProvider.System);
        var appeal = await appeals.FileAsync(phone.Id, staff, "a calculator, not a phone", default);
        await appeals.DecideAsync(appeal.Id, AppealOutcomes.Overturned, "陈主任", "It is a calculator", default);

        var listed = Assert.Single(await ViolationApi.FalsePositivesAsync(db, null, null, default), f => f.Violation == phone.Id);
        Assert.Equal((audit, Phone, "counter", "cell phone", 0.8f), (listed.Audit, listed.Clause, listed.Zone, listed.Label, listed.Confidence));
        Assert.Equal((10f, 10f, 60f, 60f), (listed.X1, listed.Y1, listed.X2, listed.Y2));
        Assert.Equal(("test-model", "It is a calculator"), (listed.ModelId, listed.DecisionNote));
        Assert.DoesNotContain(await ViolationApi.FalsePositivesAsync(db, null, null, default), f => f.Clause == Cup && f.Audit == audit);
    }
}
