using Microsoft.EntityFrameworkCore;
using DeskVision.Store;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClosedXML.Excel;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Reports;
using static DeskVision.Tests.Reports.SeededMonth;

namespace DeskVision.Tests.Reports;

/// <summary>The reports and the appeal flow over HTTP, on the running app, as a manager's browser or a script uses them.</summary>
[Collection(RunningAppCollection.Name)]
public sealed class ReportEndpointTests(RunningApp app)
{
    [Fact]
    public async Task Monthly_report_is_a_printable_page_a_csv_and_a_workbook()
    {
        var month = await SeedAsync(app.Database);
        string query = $"site={month.Hall.Key}&month=2026-03";

        var page = await app.Http.GetAsync($"/reports/monthly?{query}&lang=zh"); // the shared client may have been switched to English by another test
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("本月服务明星", html);
        Assert.Contains("<b>1号窗口</b> (99.5)", html);
        Assert.Contains("默认设置", html);   // the points are local defaults, said in the reader's language
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", ""));   // no CDN assets

        var csv = await app.Http.GetAsync($"/reports/monthly.csv?{query}&table=clauses");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        string[] lines = (await csv.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("clause,title_zh,category,pillar,count,points,previous_count,1号窗口,2号窗口,3号窗口", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("presence.unattended-window,") && l.EndsWith(",presence,服务,2,10,0,0,1,1"));

        var xlsx = await app.Http.GetAsync($"/reports/monthly.xlsx?{query}");
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx.Content.Headers.ContentType!.MediaType);
        using var book = new XLWorkbook(await xlsx.Content.ReadAsStreamAsync());
        Assert.Equal("1号窗口", book.Worksheet("窗口排名 Windows").Cell(2, 2).GetString());

        Assert.Equal(HttpStatusCode.BadRequest, (await app.Http.GetAsync($"/reports/monthly?site={month.Hall.Key}&month=March")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await app.Http.GetAsync("/reports/monthly?site=no-such-hall")).StatusCode);
    }

    [Fact]
    public async Task Rollups_daily_summary_and_scorecard_answer_over_http()
    {
        var month = await SeedAsync(app.Database);
        var windows = await app.Http.GetFromJsonAsync<JsonElement>($"/api/rollups/window?site={month.Hall.Key}&month=2026-03");
        var first = windows.GetProperty("rows")[0];
        Assert.Equal(("1号窗口", 99.5), (first.GetProperty("label").GetString(), first.GetProperty("averageScore").GetDouble()));
        var weeks = await app.Http.GetFromJsonAsync<JsonElement>($"/api/rollups/week?site={month.Hall.Key}&from=2026-03-01&to=2026-04-01");
        Assert.Equal(11, weeks.GetProperty("rows")[0].GetProperty("audits").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Http.GetAsync($"/api/rollups/year?site={month.Hall.Key}")).StatusCode);

        string daily = await app.Http.GetStringAsync($"/reports/daily?site={month.Hall.Key}&date=2026-03-05&lang=zh");
        Assert.Contains("日清日结 2026-03-05", daily);
        Assert.Contains("排班空缺", daily);
        Assert.DoesNotContain("presence.", daily);   // clause titles, not ids

        var card = await app.Http.GetFromJsonAsync<JsonElement>($"/api/audits/{month.UnattendedAt3On0302}/scorecard");
        Assert.Equal(100, card.GetProperty("score").GetDouble());   // its only violation was overturned
        Assert.Equal("王芳", card.GetProperty("onDuty").GetString());
        Assert.Contains("overturned", await app.Http.GetStringAsync($"/audits/{month.UnattendedAt3On0302}/scorecard"));
    }

    [Fact]
    public async Task Appeal_decision_and_false_positive_list_over_http()
    {
        var month = await SeedAsync(app.Database, overturn: false);
        var violation = await month.Hall.ViolationAsync(month.UnattendedAt3On0302, Unattended);

        var notAReason = await app.Http.PostAsJsonAsync($"/api/violations/{violation.Id}/appeal", new { staffId = month.Wang, reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, notAReason.StatusCode);
        var filed = await app.Http.PostAsJsonAsync($"/api/violations/{violation.Id}/appeal", new { staffId = month.Wang, reason = "I was serving at the counter" });
        Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
        long appeal = (await filed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        Assert.Equal(HttpStatusCode.Conflict, (await app.Http.PostAsJsonAsync($"/api/violations/{violation.Id}/appeal", new { staffId = month.Wang, reason = "again" })).StatusCode);

        var decided = await app.Http.PostAsJsonAsync($"/api/appeals/{appeal}/decision", new { outcome = "overturned", by = "陈主任", note = "Footage shows her serving" });
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        var pending = await app.Http.GetFromJsonAsync<JsonElement>("/api/appeals?state=pending");
        Assert.DoesNotContain(pending.EnumerateArray(), p => p.GetProperty("id").GetInt64() == appeal);

        string csv = await app.Http.GetStringAsync("/api/false-positives?format=csv");
        Assert.StartsWith("\uFEFFviolation,audit,camera,taken_at,snapshot,model", csv);
        Assert.Contains($"\r\n{violation.Id},{month.UnattendedAt3On0302},", csv);
        Assert.Contains(",Footage shows her serving\r\n", csv);

        var closeWithoutNote = await app.Http.PostAsJsonAsync($"/api/violations/{violation.Id}/close", new { by = "陈主任" });
        Assert.Equal(HttpStatusCode.BadRequest, closeWithoutNote.StatusCode);
    }

    [Fact]
    public async Task False_positive_marked_on_review_has_no_staff_member_and_still_shows_in_the_queue_scorecard_and_api()
    {
        var month = await SeedAsync(app.Database, overturn: false);
        long audit;
        await using (var db = app.Database.NewContext())
            audit = await db.Audits.Where(a => a.CameraId == month.Hall.CameraId(W2) && a.TakenAt == TestHall.At(3, 3, 10)).Select(a => a.Id).SingleAsync();
        var phone = await month.Hall.ViolationAsync(audit, Phone);
        long appeal;
        await using (var db = app.Database.NewContext())
            appeal = (await new Appeals(db, TimeProvider.System).MarkFalsePositiveAsync(phone.Id, "陈主任", "a calculator", default)).Id;

        var listed = (await app.Http.GetFromJsonAsync<JsonElement>("/api/appeals?state=overturned")).EnumerateArray().Single(p => p.GetProperty("id").GetInt64() == appeal);
        Assert.Equal(JsonValueKind.Null, listed.GetProperty("staff").ValueKind);
        var card = await app.Http.GetFromJsonAsync<JsonElement>($"/api/audits/{audit}/scorecard");
        var appealed = card.GetProperty("violations").EnumerateArray().Single(v => v.GetProperty("id").GetInt64() == phone.Id).GetProperty("appeal");
        Assert.Equal(JsonValueKind.Null, appealed.GetProperty("staff").ValueKind);

        // The pages name the review as the appellant instead of leaving the person blank.
        string queue = await app.Http.GetStringAsync("/appeals?lang=zh");
        Assert.Contains("管理审核</strong>: " + Appeals.ReviewReason, queue);
        string scorecard = await app.Http.GetStringAsync($"/audits/{audit}/scorecard");
        Assert.Contains($"{Appeals.ByReview}: {Appeals.ReviewReason} — overturned a calculator", scorecard);
    }

    [Fact]
    public async Task Staff_appeal_from_their_own_page_and_the_manager_decides_in_the_queue()
    {
        var month = await SeedAsync(app.Database, overturn: false);
        // The 03-02 empty seat was put right (a later audit saw the seat taken): no appeal is offered on it. The 03-03
        // one is still open: that is the one to appeal.
        var putRight = await month.Hall.ViolationAsync(month.UnattendedAt3On0302, Unattended);
        Assert.NotNull(putRight.ClosedAt);
        AuditViolation violation;
        int siteId;
        await using (var db = app.Database.NewContext())
        {
            siteId = await db.Staff.Where(x => x.Id == month.Wang).Select(x => x.SiteId).SingleAsync();
            var first = await db.Audits.Where(a => a.Id == month.UnattendedAt3On0302).Select(a => new { a.TakenAt, a.Camera.WindowId }).SingleAsync();
            violation = await db.AuditViolations.Where(v => v.Audit.Camera.WindowId == first.WindowId && v.ClosedAt == null
                && v.Audit.TakenAt > first.TakenAt && v.Audit.TakenAt < first.TakenAt.AddDays(2)).OrderBy(v => v.Id).FirstAsync();
        }
        string suffix = Guid.NewGuid().ToString("N")[..6];
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, $"wang-{suffix}", Roles.Staff, month.Wang);
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, $"chen-{suffix}", Roles.Manager, null, siteId);
        using var wang = await SignedInClient.SignInAsync(app.BaseUrl, $"wang-{suffix}");
        using var chen = await SignedInClient.SignInAsync(app.BaseUrl, $"chen-{suffix}");

        string own = await wang.GetStringAsync($"/staff/{month.Wang}?month=2026-03");
        Assert.Contains("不擅离岗位", own);
        Assert.Contains($"id=\"violation-{violation.Id}\"", own);
        Assert.Contains($"value=\"appeal-{violation.Id}\"", own);   // the violation's own appeal form
        Assert.DoesNotContain($"value=\"appeal-{putRight.Id}\"", own);

        // A form posted without the page's anti-forgery token (a forged cross-site post) is refused.
        var forged = await wang.PostAsync($"/staff/{month.Wang}?month=2026-03", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = $"appeal-{violation.Id}", ["Reason"] = "forged",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        var sent = await wang.PostAsync($"/staff/{month.Wang}?month=2026-03", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SignedInClient.FormToken(own),
            ["_handler"] = $"appeal-{violation.Id}", ["Reason"] = "在窗口接待群众，被屏风挡住",
        }));
        string after = await sent.Content.ReadAsStringAsync();   // redirected back to the page
        Assert.Contains("申诉已提交", after);
        Assert.Contains("在窗口接待群众，被屏风挡住", after);

        // Staff may not see the queue; their manager decides, and the decision carries the manager's name.
        Assert.Equal(HttpStatusCode.Forbidden, (await wang.GetAsync("/api/appeals")).StatusCode);
        string queue = await chen.GetStringAsync("/appeals");
        long appeal = (await chen.GetFromJsonAsync<JsonElement>("/api/appeals?state=pending")).EnumerateArray()
            .Single(p => p.GetProperty("violation").GetInt64() == violation.Id).GetProperty("id").GetInt64();
        Assert.Contains($"action=\"/appeals/{appeal}/decision\"", queue);
        var decided = await chen.PostAsync($"/appeals/{appeal}/decision", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = SignedInClient.FormToken(queue), ["outcome"] = "overturned", ["note"] = "监控显示在岗",
        }));
        Assert.Contains("已撤销", await decided.Content.ReadAsStringAsync());
        await using (var db = app.Database.NewContext())
            Assert.Contains(await db.AuditLog.Where(e => e.Subject == $"appeal:{appeal}").ToListAsync(), e => e.Actor == $"chen-{suffix}" && e.Action == "appeal.overturned");
        Assert.Contains("已撤销", await wang.GetStringAsync($"/staff/{month.Wang}?month=2026-03"));
    }

    [Fact]
    public async Task Roster_refuses_overlapping_shifts()
    {
        var hall = await TestHall.OpenAsync(app.Database, W1, W2);
        int zhang = await hall.StaffAsync("张敏"), li = await hall.StaffAsync("李强");
        var windows = await app.Http.GetFromJsonAsync<JsonElement>($"/api/rollups/window?site={hall.Key}");
        int w1 = int.Parse(windows.GetProperty("rows")[0].GetProperty("key").GetString()!);
        int w2 = int.Parse(windows.GetProperty("rows")[1].GetProperty("key").GetString()!);

        var morning = await app.Http.PostAsJsonAsync("/api/roster", new { staffId = zhang, windowId = w1, from = TestHall.At(9, 1, 9), to = TestHall.At(9, 1, 12) });
        Assert.Equal(HttpStatusCode.Created, morning.StatusCode);
        var sameWindow = await app.Http.PostAsJsonAsync("/api/roster", new { staffId = li, windowId = w1, from = TestHall.At(9, 1, 11), to = TestHall.At(9, 1, 13) });
        Assert.Equal(HttpStatusCode.Conflict, sameWindow.StatusCode);
        Assert.Contains("张敏", await sameWindow.Content.ReadAsStringAsync());
        var twoPlaces = await app.Http.PostAsJsonAsync("/api/roster", new { staffId = zhang, windowId = w2, from = TestHall.At(9, 1, 10), to = TestHall.At(9, 1, 11) });
        Assert.Equal(HttpStatusCode.Conflict, twoPlaces.StatusCode);
        var backToBack = await app.Http.PostAsJsonAsync("/api/roster", new { staffId = li, windowId = w1, from = TestHall.At(9, 1, 12), to = TestHall.At(9, 1, 17) });
        Assert.Equal(HttpStatusCode.Created, backToBack.StatusCode);

        var shifts = await app.Http.GetFromJsonAsync<JsonElement>($"/api/roster?window={w1}&from=2026-09-01T00:00:00Z&to=2026-09-02T00:00:00Z");
        Assert.Equal(["张敏", "李强"], shifts.EnumerateArray().Select(s => s.GetProperty("staff").GetString()));
    }
}
