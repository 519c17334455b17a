using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Reports;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Tests.Reports;

/// <summary>整改: a violation is open until a later audit of the same camera no longer shows it, or a manager closes it.</summary>
public sealed class RectificationTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const string W = "1号窗口", Other = "2号窗口", Phone = "desk.phone-on-desk", Private = "desk.private-items";

    private async Task<AuditViolation> Reload(TestHall hall, long auditId, string clause) => await hall.ViolationAsync(auditId, clause);

    [Fact]
    public async Task Violation_stays_open_while_later_audits_still_show_it_and_is_rectified_by_the_first_that_does_not()
    {
        var hall = await TestHall.OpenAsync(database, W);
        long first = await hall.AuditAsync(W, TestHall.At(5, 6, 10, 0), (Phone, "counter"));
        long again = await hall.AuditAsync(W, TestHall.At(5, 6, 10, 30), (Phone, "counter"));
        Assert.Null((await Reload(hall, first, Phone)).ClosedAt);

        long clean = await hall.AuditAsync(W, TestHall.At(5, 6, 11, 15));
        await hall.AuditAsync(W, TestHall.At(5, 6, 11, 45));

        var v1 = await Reload(hall, first, Phone);
        var v2 = await Reload(hall, again, Phone);
        Assert.Equal((clean, TestHall.At(5, 6, 11, 15)), (v1.RectifiedByAuditId, v1.ClosedAt));
        Assert.Equal(clean, v2.RectifiedByAuditId);
        Assert.Null(v1.ClosedBy);
        await using var db = database.NewContext();
        var card = System.Text.Json.JsonSerializer.SerializeToElement(await ViolationApi.ScorecardAsync(db, first, default));
        var state = card.GetProperty("violations")[0];
        Assert.Equal("rectified", state.GetProperty("state").GetString());
        Assert.Equal("01:15:00", state.GetProperty("timeToRectify").GetString());
    }

    [Fact]
    public async Task Unattended_window_is_not_rectified_by_a_new_burst_that_sees_the_seat_empty_again_before_its_run_reaches_three()
    {
        const string Unattended = "presence.unattended-window";
        var hall = await TestHall.OpenAsync(database, W);
        var (empty, taken) = (TestHall.SeatEmpty, TestHall.SeatTaken);
        await hall.JudgedAuditAsync(W, TestHall.At(5, 6, 10, 0), empty);
        await hall.JudgedAuditAsync(W, TestHall.At(5, 6, 10, 1), empty, empty);
        long third = await hall.JudgedAuditAsync(W, TestHall.At(5, 6, 10, 2), empty, empty, empty);
        Assert.Null((await Reload(hall, third, Unattended)).ClosedAt);

        // The next inspection's burst starts a new run: its first two frames see the empty seat but may not report it yet.
        long nextFirst = await hall.JudgedAuditAsync(W, TestHall.At(5, 6, 11, 0), empty);
        long nextSecond = await hall.JudgedAuditAsync(W, TestHall.At(5, 6, 11, 1), empty, empty);
        await using (var db = database.NewContext())
        {
            Assert.False(await db.AuditViolations.AnyAsync(v => (v.AuditId == nextFirst || v.AuditId == nextSecond) && v.Clause.Key == Unattended));
            Assert.Contains(new[] { Unattended, "seat" }, (await db.Audits.SingleAsync(a => a.Id == nextFirst)).ConditionsSeen);
        }
        Assert.Null((await Reload(hall, third, Unattended)).ClosedAt);

        long back = await hall.JudgedAuditAsync(W, TestHall.At(5, 6, 11, 2), taken, empty, empty);
        var v = await Reload(hall, third, Unattended);
        Assert.Equal((back, TestHall.At(5, 6, 11, 2)), (v.RectifiedByAuditId, v.ClosedAt));
    }

    [Fact]
    public async Task Unattended_window_stored_late_is_not_rectified_by_a_later_frame_that_saw_the_seat_still_empty()
    {
        const string Unattended = "presence.unattended-window";
        var hall = await TestHall.OpenAsync(database, W);
        var (empty, taken) = (TestHall.SeatEmpty, TestHall.SeatTaken);
        // A retried job stores the third frame of the first burst after the next burst's first frames are already stored.
        await hall.JudgedAuditAsync(W, TestHall.At(5, 6, 11, 0), empty);
        long filled = await hall.JudgedAuditAsync(W, TestHall.At(5, 6, 11, 1), taken, empty);
        long third = await hall.JudgedAuditAsync(W, TestHall.At(5, 6, 10, 2), empty, empty, empty);
        Assert.Equal(filled, (await Reload(hall, third, Unattended)).RectifiedByAuditId);
    }

    [Fact]
    public async Task Same_clause_seen_only_in_another_zone_rectifies_the_first_zone()
    {
        var hall = await TestHall.OpenAsync(database, W);
        long bagOnCounter = await hall.AuditAsync(W, TestHall.At(5, 6, 10), (Private, "counter"));
        long bagOnCustomerSide = await hall.AuditAsync(W, TestHall.At(5, 6, 11), (Private, "customers"));
        Assert.Equal(bagOnCustomerSide, (await Reload(hall, bagOnCounter, Private)).RectifiedByAuditId);
        Assert.Null((await Reload(hall, bagOnCustomerSide, Private)).ClosedAt);
    }

    [Fact]
    public async Task Failed_audit_and_audits_of_another_camera_do_not_rectify()
    {
        var hall = await TestHall.OpenAsync(database, W, Other);
        long found = await hall.AuditAsync(W, TestHall.At(5, 6, 10), (Phone, "counter"));
        await hall.FailedAuditAsync(W, TestHall.At(5, 6, 11));
        await hall.AuditAsync(Other, TestHall.At(5, 6, 12));
        Assert.Null((await Reload(hall, found, Phone)).ClosedAt);
    }

    [Fact]
    public async Task Audit_stored_out_of_order_is_rectified_by_the_earliest_later_audit()
    {
        var hall = await TestHall.OpenAsync(database, W);
        long at11 = await hall.AuditAsync(W, TestHall.At(5, 6, 11));
        long at10 = await hall.AuditAsync(W, TestHall.At(5, 6, 10), (Phone, "counter"));   // a retried burst frame, stored late
        Assert.Equal(at11, (await Reload(hall, at10, Phone)).RectifiedByAuditId);

        long at1030 = await hall.AuditAsync(W, TestHall.At(5, 6, 10, 30));
        var v = await Reload(hall, at10, Phone);
        Assert.Equal((at1030, TestHall.At(5, 6, 10, 30)), (v.RectifiedByAuditId, v.ClosedAt));
    }

    [Fact]
    public async Task Audit_whose_standard_does_not_check_the_clause_cannot_rectify_it()
    {
        var hall = await TestHall.OpenAsync(database, W);
        long found = await hall.AuditAsync(W, TestHall.At(5, 6, 10), (Phone, "counter"));
        var phoneOff = StandardFile.Parse("phone-off.yaml", File.ReadAllText(TestData.StandardFile)
            .Replace("  active: true\n  max_points: 6\n  rules:\n  - when: object-in-zone\n    labels: [cell phone]\n    zones: [desk]",
                     "  active: false\n  max_points: 6\n  rules:\n  - when: object-in-zone\n    labels: [cell phone]\n    zones: [desk]"));
        Assert.False(phoneOff.Find(Phone)!.Active);

        await hall.AuditAsync(W, TestHall.At(5, 6, 11), phoneOff);
        Assert.Null((await Reload(hall, found, Phone)).ClosedAt);
        long checkedAgain = await hall.AuditAsync(W, TestHall.At(5, 6, 12));
        Assert.Equal(checkedAgain, (await Reload(hall, found, Phone)).RectifiedByAuditId);
    }

    [Fact]
    public async Task Manager_closes_an_open_violation_with_a_note_and_later_audits_leave_it_as_closed()
    {
        var hall = await TestHall.OpenAsync(database, W);
        long found = await hall.AuditAsync(W, TestHall.At(5, 6, 10), (Phone, "counter"));
        var violation = await Reload(hall, found, Phone);
        await using (var db = database.NewContext())
        {
            var appeals = new Appeals(db, TimeProvider.System);
            var refused = await Assert.ThrowsAsync<RefusedException>(() => appeals.CloseAsync(violation.Id, "陈主任", " ", default));
            Assert.Equal("note", refused.Field);
            await appeals.CloseAsync(violation.Id, "陈主任", "Phone put away in the locker at 10:05", default);
            Assert.True((await Assert.ThrowsAsync<RefusedException>(() => appeals.CloseAsync(violation.Id, "陈主任", "again", default))).Conflict);
        }
        await hall.AuditAsync(W, TestHall.At(5, 6, 11));

        var closed = await Reload(hall, found, Phone);
        Assert.Equal(("陈主任", "Phone put away in the locker at 10:05"), (closed.ClosedBy, closed.CloseNote));
        Assert.Null(closed.RectifiedByAuditId);
        Assert.NotNull(closed.ClosedAt);
    }

    [Fact]
    public async Task Retried_run_does_not_rectify_twice()
    {
        var hall = await TestHall.OpenAsync(database, W);
        long found = await hall.AuditAsync(W, TestHall.At(5, 6, 10), (Phone, "counter"));
        await using var db = database.NewContext();
        var writer = new AuditWriter(db);
        var clean = new AuditResult("test", TestHall.At(5, 6, 11).ToUniversalTime(), AuditStatus.Ok, null, 1000, 1000, [], [], 100, "m", TestHall.Standard.Version);
        int standard = await writer.EnsureStandardAsync(TestHall.Standard, default);
        long first = await writer.SaveAsync(clean, hall.CameraId(W), standard, null, null, "rectify-run-1", default);
        long second = await new AuditWriter(database.NewContext()).SaveAsync(clean, hall.CameraId(W), standard, null, null, "rectify-run-1", default);
        Assert.Equal(first, second);
        Assert.Equal(first, (await Reload(hall, found, Phone)).RectifiedByAuditId);
        Assert.Equal(1, await db.Audits.CountAsync(a => a.RunKey == "rectify-run-1"));
    }
}
