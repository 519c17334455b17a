using DeskVision.Store;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Reports;

namespace DeskVision.Tests.Reports;

/// <summary>
/// March 2026 at a hall of four windows, with February before it, audited at 10:00 local each day. The figures the
/// tests expect are worked out by hand here (points as fixed in <see cref="TestHall.Points"/>: phone-on-desk 3, cup 2,
/// private-items 2, no-eating 3, unattended-window 5).
///
/// <code>
/// March    03-02 Mon          03-03                       03-04        03-05
/// 1号窗口  —      100         cup 98                      — 100        — 100          avg 398/4 = 99.5
/// 2号窗口  phone  97          phone, eating 94            — 100        unattended 95  avg 386/4 = 96.5
/// 3号窗口  unattended 95→100* unattended, private-items 93 failed       private 98     avg 291/3 = 97.0 (286/3 = 95.33 before *)
/// 4号窗口  no audits
/// * the appeal of 王芳 against the 03-02 unattended-window violation is overturned: its 5 points come back.
///
/// February 02-10          02-11
/// 1号窗口  — 100          cup 98      avg 99
/// 2号窗口  — 100          — 100       avg 100
/// 3号窗口  phone 97                   avg 97
/// </code>
/// Ranking: 1号 99.5 (本月服务明星), 3号 97.0, 2号 96.5 (lowest: its 03-05 unattended window is still open).
/// Previous ranking: 2号, 1号, 3号. Hall average 1075/11 = 97.727 (February 495/5 = 99).
/// Roster: 张敏 at 1号 and 李强 at 2号 all March, 王芳 at 3号 from 03-02 08:00 to 03-04 00:00; 赵磊 has no shift;
/// so 3号's 03-05 audit has no one on the roster.
/// </summary>
public sealed record SeededMonth(TestHall Hall, long UnattendedAt3On0302, int Wang)
{
    public const string W1 = "1号窗口", W2 = "2号窗口", W3 = "3号窗口", W4 = "4号窗口";
    public static readonly DateOnly March = new(2026, 3, 1);

    public const string Phone = "desk.phone-on-desk", Cup = "desk.cup", Private = "desk.private-items", Eating = "behaviour.no-eating",
        Unattended = "presence.unattended-window";

    public static async Task<SeededMonth> SeedAsync(DatabaseFixture database, bool overturn = true)
    {
        var hall = await TestHall.OpenAsync(database, W1, W2, W3, W4);
        var (counter, seat, customers) = ("counter", "seat", "customers");

        await hall.AuditAsync(W1, TestHall.At(2, 10, 10));
        await hall.AuditAsync(W1, TestHall.At(2, 11, 10), (Cup, counter));
        await hall.AuditAsync(W2, TestHall.At(2, 10, 10));
        await hall.AuditAsync(W2, TestHall.At(2, 11, 10));
        await hall.AuditAsync(W3, TestHall.At(2, 10, 10), (Phone, counter));

        await hall.AuditAsync(W1, TestHall.At(3, 2, 10));
        await hall.AuditAsync(W1, TestHall.At(3, 3, 10), (Cup, counter));
        await hall.AuditAsync(W1, TestHall.At(3, 4, 10));
        await hall.AuditAsync(W1, TestHall.At(3, 5, 10));

        await hall.AuditAsync(W2, TestHall.At(3, 2, 10), (Phone, counter));
        await hall.AuditAsync(W2, TestHall.At(3, 3, 10), (Phone, counter), (Eating, counter));
        await hall.AuditAsync(W2, TestHall.At(3, 4, 10));
        await hall.AuditAsync(W2, TestHall.At(3, 5, 10), (Unattended, seat));

        long unattended = await hall.AuditAsync(W3, TestHall.At(3, 2, 10), (Unattended, seat));
        await hall.AuditAsync(W3, TestHall.At(3, 3, 10), (Unattended, seat), (Private, customers));
        await hall.FailedAuditAsync(W3, TestHall.At(3, 4, 10));
        await hall.AuditAsync(W3, TestHall.At(3, 5, 10), (Private, customers));

        int zhang = await hall.StaffAsync("张敏", W1), li = await hall.StaffAsync("李强", W2), wang = await hall.StaffAsync("王芳", W3);
        await hall.StaffAsync("赵磊");
        await hall.ShiftAsync(zhang, W1, TestHall.At(3, 1, 0), TestHall.At(4, 1, 0));
        await hall.ShiftAsync(li, W2, TestHall.At(3, 1, 0), TestHall.At(4, 1, 0));
        await hall.ShiftAsync(wang, W3, TestHall.At(3, 2, 8), TestHall.At(3, 4, 0));

        var month = new SeededMonth(hall, unattended, wang);
        if (overturn) await month.OverturnAsync(database);
        return month;
    }

    /// <summary>王芳 appeals the 03-02 unattended-window violation at 3号窗口 (she was at the counter), and it is overturned.</summary>
    public async Task OverturnAsync(DatabaseFixture database)
    {
        var violation = await Hall.ViolationAsync(UnattendedAt3On0302, Unattended);
        await using var db = database.NewContext();
        var appeals = new Appeals(db, TimeProvider.System);
        var appeal = await appeals.FileAsync(violation.Id, Wang, "I was at the counter; the camera lost me behind the screen", default);
        await appeals.DecideAsync(appeal.Id, AppealOutcomes.Overturned, "陈主任", "Checked the footage: she was serving a customer", default);
    }

    public async Task<MonthlyReport> ReportAsync(DatabaseFixture database, DateOnly? month = null)
    {
        var site = await Hall.SiteAsync();
        await using var db = database.NewContext();
        return await new MonthlyReports(db, TimeProvider.System).BuildAsync(site, SitePeriod.Month(site, month ?? March), default);
    }
}
