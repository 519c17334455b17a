using System.Net;
using DeskVision.Store;
using DeskVision.Tests.Reports;
using Microsoft.EntityFrameworkCore;
using static DeskVision.Tests.Reports.SeededMonth;

namespace DeskVision.Tests.WebApp;

/// <summary>"My desk" for a staff member on duty today: own scores, open violations with evidence and the clause's Chinese text, appeals; nobody else's.</summary>
[Collection(PagesHostCollection.Name)]
public sealed class MyDeskTests(PagesHost host)
{
    private sealed record Desk(TestHall Hall, int Zhang, int Li, long PhoneAudit, long LiAudit, string ZhangUser, string LiUser);

    /// <summary>张敏 is on duty at 1号窗口 and 李强 at 2号窗口 from two days ago to tomorrow; audits a minute or two ago.</summary>
    private async Task<Desk> SeedAsync()
    {
        var hall = await TestHall.OpenAsync(host.Database, W1, W2);
        int zhang = await hall.StaffAsync("张敏", W1), li = await hall.StaffAsync("李强", W2);
        var now = DateTimeOffset.UtcNow;
        await hall.ShiftAsync(zhang, W1, now.AddDays(-2), now.AddDays(1));
        await hall.ShiftAsync(li, W2, now.AddDays(-2), now.AddDays(1));
        long phone = await hall.AuditAsync(W1, now.AddMinutes(-2), (Phone, "counter"));
        await hall.AuditAsync(W1, now.AddMinutes(-1), (Phone, "counter"), (Cup, "counter"));
        long li2 = await hall.AuditAsync(W2, now.AddMinutes(-1), (Eating, "counter"));
        await host.SnapshotAsync(db => db.Audits.Where(a => a.Id == phone || a.Id == li2));
        return new Desk(hall, zhang, li, phone, li2,
            await host.UserAsync(Roles.Staff, staffId: zhang), await host.UserAsync(Roles.Staff, staffId: li));
    }

    [Fact]
    public async Task Staff_see_their_scores_open_violations_with_evidence_and_the_standards_text()
    {
        var desk = await SeedAsync();
        using var http = await host.ClientAsync(desk.ZhangUser);
        string page = await http.GetStringAsync("/me");
        Assert.Contains("我的工位 · 张敏", page);
        Assert.Contains("class=\"score ok\">96</div>", page);   // today: 97 (phone) and 95 (phone, cup)
        await using var db = host.Database.NewContext();
        string text = await db.Clauses.Where(c => c.Key == Phone).Select(c => c.TextZh).FirstAsync();
        Assert.Contains(Views(text), page);
        var phone = await desk.Hall.ViolationAsync(desk.PhoneAudit, Phone);
        Assert.Contains("<img src=\"/evidence/violations/", page);
        Assert.Contains("action=\"/me/appeals\"", page);
        Assert.DoesNotContain("工作时间不用餐吃零食", page);     // 李强's eating violation is not here
        Assert.Contains("<svg id='me-trend'", page);

        var crop = await http.GetAsync($"/evidence/violations/{phone.Id}");
        Assert.Equal("image/jpeg", crop.Content.Headers.ContentType!.MediaType);
        var lis = await desk.Hall.ViolationAsync(desk.LiAudit, Eating);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/evidence/violations/{lis.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/evidence/audits/{desk.LiAudit}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/heatmaps")).StatusCode);

        Assert.Contains("What the standard asks", await http.GetStringAsync("/me?lang=en"));
        Assert.Contains(Views(text), await http.GetStringAsync("/me?lang=en"));   // clause texts stay in Chinese in English too
    }

    private static string Views(string text) => System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All).Encode(text);

    [Fact]
    public async Task Staff_appeal_their_own_violation_and_not_anothers()
    {
        var desk = await SeedAsync();
        using var http = await host.ClientAsync(desk.ZhangUser);
        string page = await http.GetStringAsync("/me");
        string token = PagesHost.TokenIn(page);
        var phone = await desk.Hall.ViolationAsync(desk.PhoneAudit, Phone);

        var sent = await PagesHost.PostFormAsync(http, "/me/appeals", token, ("violation", phone.Id.ToString()), ("reason", "It is the hall's phone for customers"));
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.StartsWith("/me?done=appeal", sent.Headers.Location!.OriginalString);
        var appeal = (await desk.Hall.ViolationAsync(desk.PhoneAudit, Phone)).Appeal!;
        Assert.Equal((desk.Zhang, (string?)null), (appeal.StaffId!.Value, appeal.Outcome));
        Assert.Contains("已申诉", await http.GetStringAsync("/me"));

        var lis = await desk.Hall.ViolationAsync(desk.LiAudit, Eating);
        Assert.Equal(HttpStatusCode.NotFound, (await PagesHost.PostFormAsync(http, "/me/appeals", token, ("violation", lis.Id.ToString()), ("reason", "not mine"))).StatusCode);
        Assert.Null((await desk.Hall.ViolationAsync(desk.LiAudit, Eating)).Appeal);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("/me/appeals", new FormUrlEncodedContent([new("violation", phone.Id.ToString()), new("reason", "x")]))).StatusCode);
    }

    [Fact]
    public async Task An_account_without_a_staff_member_has_no_desk()
    {
        using var http = await host.ClientAsync(await host.UserAsync(Roles.Manager, [1]));
        string page = await http.GetStringAsync("/me");
        Assert.Contains("未关联服务人员", page);
        using var anonymous = await host.ClientAsync(null);
        Assert.StartsWith("/login", (await anonymous.GetAsync("/me")).Headers.Location!.PathAndQuery);
    }
}
