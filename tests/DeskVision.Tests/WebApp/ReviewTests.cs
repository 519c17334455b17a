using System.Net;
using DeskVision.Store;
using DeskVision.Tests.Reports;
using DeskVision.Web.Reports;
using DeskVision.Web.Review;
using Microsoft.EntityFrameworkCore;
using static DeskVision.Tests.Reports.SeededMonth;

namespace DeskVision.Tests.WebApp;

/// <summary>
/// Reviewing audits on the seeded March: confirm or mark a false positive per violation (anti-forgery checked, written to
/// the audit log, the false positive out of every score), and walk a window's audits with previous / next.
/// </summary>
[Collection(PagesHostCollection.Name)]
public sealed class ReviewTests(PagesHost host)
{
    /// <summary>2号窗口's audits in time order: 02-10, 02-11, 03-02 (phone), 03-03 (phone, eating), 03-04, 03-05 (unattended).</summary>
    private async Task<(SeededMonth Month, Site Site, List<long> W2)> SeedAsync()
    {
        var month = await SeededMonth.SeedAsync(host.Database);
        var site = await month.Hall.SiteAsync();
        await using var db = host.Database.NewContext();
        var w2 = await db.Audits.Where(a => a.CameraId == month.Hall.CameraId(W2)).OrderBy(a => a.TakenAt).Select(a => a.Id).ToListAsync();
        return (month, site, w2);
    }

    [Fact]
    public async Task Manager_marks_a_false_positive_it_stops_counting_and_the_decision_is_logged()
    {
        var (month, site, w2) = await SeedAsync();
        string manager = await host.UserAsync(Roles.Manager, [site.Id]);
        using var http = await host.ClientAsync(manager);
        var phone = await month.Hall.ViolationAsync(w2[3], Phone);
        await host.SnapshotAsync(db => db.Audits.Where(a => a.Id == w2[3]));

        string page = await http.GetStringAsync($"/review/{w2[3]}");
        Assert.Contains($"/review/violations/{phone.Id}/false-positive", page);
        Assert.Contains("手机不放桌面", page);
        Assert.Contains("<rect class=\"violation\"", page);
        Assert.Equal(200, (int)(await http.GetAsync($"/evidence/audits/{w2[3]}")).StatusCode);
        Assert.Equal("image/jpeg", (await http.GetAsync($"/evidence/violations/{phone.Id}")).Content.Headers.ContentType!.MediaType);

        var refused = await http.PostAsync($"/review/violations/{phone.Id}/false-positive", new FormUrlEncodedContent([new("note", "no token")]));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);

        var marked = await PagesHost.PostFormAsync(http, $"/review/violations/{phone.Id}/false-positive", PagesHost.TokenIn(page), ("note", "a calculator, not a phone"));
        Assert.Equal(HttpStatusCode.Redirect, marked.StatusCode);
        Assert.Equal($"/review/{w2[3]}?done=fp#violations", marked.Headers.Location!.OriginalString);

        var stored = await month.Hall.ViolationAsync(w2[3], Phone);
        Assert.Equal(AppealOutcomes.Overturned, stored.Appeal!.Outcome);
        Assert.Null(stored.Appeal.StaffId);
        Assert.Contains(manager, stored.Appeal.DecidedBy);
        Assert.Equal("a calculator, not a phone", stored.Appeal.DecisionNote);
        await using (var db = host.Database.NewContext())
        {
            var entry = await db.AuditLog.SingleAsync(e => e.Subject == ReviewPages.Subject(phone.Id));
            Assert.Equal((manager, ReviewPages.FalsePositiveAction), (entry.Actor, entry.Action));
            Assert.True(DateTimeOffset.UtcNow - entry.At < TimeSpan.FromMinutes(1));
            // Out of the scores: 2号's March average was (97 + 94 + 100 + 95) / 4 = 96.5; the phone's 3 points come back.
            var windows = await new Rollups(db).ByWindowAsync(site, SitePeriod.Month(site, March), default);
            Assert.Equal(97.25, windows.Single(w => w.Label == W2).AverageScore!.Value, 3);
            Assert.Contains((await ViolationApi.FalsePositivesAsync(db, null, null, default)), f => f.Violation == phone.Id);
        }
        string after = await http.GetStringAsync($"/review/{w2[3]}?done=fp");
        Assert.Contains("误报（不计分）", after);
        Assert.Contains("97 / 100", after);

        // Decided once: a second mark is refused and said so.
        var again = await PagesHost.PostFormAsync(http, $"/review/violations/{phone.Id}/false-positive", PagesHost.TokenIn(page));
        Assert.Contains("problem=", again.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Confirm_is_logged_and_previous_next_walk_the_windows_audits()
    {
        var (month, site, w2) = await SeedAsync();
        string manager = await host.UserAsync(Roles.Manager, [site.Id]);
        using var http = await host.ClientAsync(manager);
        var eating = await month.Hall.ViolationAsync(w2[3], Eating);

        string page = await http.GetStringAsync($"/review/{w2[3]}");
        Assert.Contains($"id=\"previous\" href=\"/review/{w2[2]}\"", page);
        Assert.Contains($"id=\"next\" href=\"/review/{w2[4]}\"", page);
        string withViolations = await http.GetStringAsync($"/review/{w2[3]}?only=violations");
        Assert.Contains($"id=\"next\" href=\"/review/{w2[5]}?only=violations\"", withViolations);
        Assert.Contains($"id=\"previous\" href=\"/review/{w2[2]}?only=violations\"", withViolations);
        Assert.DoesNotContain("id=\"previous\"", await http.GetStringAsync($"/review/{w2[0]}"));

        var confirmed = await PagesHost.PostFormAsync(http, $"/review/violations/{eating.Id}/confirm", PagesHost.TokenIn(page));
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        await using (var db = host.Database.NewContext())
            Assert.Equal(manager, (await db.AuditLog.SingleAsync(e => e.Subject == ReviewPages.Subject(eating.Id) && e.Action == ReviewPages.ConfirmAction)).Actor);
        Assert.Null((await month.Hall.ViolationAsync(w2[3], Eating)).Appeal);   // confirming changes no score
        Assert.Contains("已确认", await http.GetStringAsync($"/review/{w2[3]}"));
    }

    [Fact]
    public async Task A_pending_staff_appeal_is_decided_by_the_managers_false_positive()
    {
        var (month, site, _) = await SeedAsync();
        var violation = await month.Hall.ViolationAsync(month.UnattendedAt3On0302, Unattended);
        // SeedAsync overturned it through an appeal already: the review refuses to decide it again.
        using var http = await host.ClientAsync(await host.UserAsync(Roles.Manager, [site.Id]));
        string page = await http.GetStringAsync($"/review/{month.UnattendedAt3On0302}");
        Assert.DoesNotContain($"/review/violations/{violation.Id}/false-positive", page);

        long w3 = await month.Hall.AuditAsync(W3, TestHall.At(3, 3, 11), (Private, "customers"));
        var pending = await month.Hall.ViolationAsync(w3, Private);
        await using (var db = host.Database.NewContext())
            await new Appeals(db, TimeProvider.System).FileAsync(pending.Id, month.Wang, "my own bag was in the customers' area? no: a customer's", default);
        page = await http.GetStringAsync($"/review/{w3}");
        Assert.Contains("员工申诉待处理", page);
        await PagesHost.PostFormAsync(http, $"/review/violations/{pending.Id}/false-positive", PagesHost.TokenIn(page));
        var decided = (await month.Hall.ViolationAsync(w3, Private)).Appeal!;
        Assert.Equal((AppealOutcomes.Overturned, (int?)month.Wang), (decided.Outcome, decided.StaffId));
    }

    [Fact]
    public async Task Staff_and_other_halls_managers_cannot_review()
    {
        var (month, site, w2) = await SeedAsync();
        var phone = await month.Hall.ViolationAsync(w2[2], Phone);
        using var staff = await host.ClientAsync(await host.UserAsync(Roles.Staff, staffId: month.Wang));
        Assert.Equal(HttpStatusCode.Forbidden, (await staff.GetAsync($"/review/{w2[2]}")).StatusCode);

        // A manager of another hall, with a valid form token of their own (from an audit of their hall), finds nothing here.
        var otherHall = await TestHall.OpenAsync(host.Database, "A");
        long theirs = await otherHall.AuditAsync("A", TestHall.At(3, 2, 10), (Cup, "counter"));
        using var other = await host.ClientAsync(await host.UserAsync(Roles.Manager, [(await otherHall.SiteAsync()).Id]));
        string token = PagesHost.TokenIn(await other.GetStringAsync($"/review/{theirs}"));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/review/{w2[2]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/evidence/violations/{phone.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PagesHost.PostFormAsync(other, $"/review/violations/{phone.Id}/false-positive", token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PagesHost.PostFormAsync(other, $"/review/violations/{phone.Id}/confirm", token)).StatusCode);
        Assert.Null((await month.Hall.ViolationAsync(w2[2], Phone)).Appeal);
    }
}
