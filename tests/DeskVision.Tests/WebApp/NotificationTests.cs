using System.Net;
using System.Reflection;
using System.Text.Json;
using DeskVision.Store;
using DeskVision.Tests.Reports;
using DeskVision.Web.Notifications;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using static DeskVision.Tests.Reports.SeededMonth;

namespace DeskVision.Tests.WebApp;

/// <summary>
/// Notifications against a real HTTP receiver on 127.0.0.1: what the scan queues (major violation, overdue violation,
/// camera offline; once each), the generic JSON, WeCom and DingTalk bodies, retries after failures, and the page that
/// manages a hall's webhooks.
/// </summary>
[Collection(PagesHostCollection.Name)]
public sealed class NotificationTests(PagesHost host)
{
    /// <summary>Keeps the jobs the scan queues, to run them here as a Hangfire worker would.</summary>
    private sealed class Queue : IBackgroundJobClient
    {
        public List<Job> Jobs { get; } = [];
        public string Create(Job job, IState state) { Jobs.Add(job); return Jobs.Count.ToString(); }
        public bool ChangeState(string jobId, IState state, string expectedState) => true;
    }

    private static readonly IHttpClientFactory Clients = new ServiceCollection().AddHttpClient().BuildServiceProvider().GetRequiredService<IHttpClientFactory>();

    private NotificationScan Scan(DeskVisionDb db, Queue queue) =>
        new(db, queue, DeskVisionSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DESKVISION_PUBLIC_URL"] = "http://hall.example/" }).Build()),
            TimeProvider.System, NullLogger<NotificationScan>.Instance);

    /// <summary>Runs the queued sends as the Hangfire worker would: each job once (a throw is what Hangfire retries).</summary>
    private async Task<List<Exception>> RunAsync(Queue queue)
    {
        var failures = new List<Exception>();
        foreach (var job in queue.Jobs)
        {
            Assert.Equal(typeof(WebhookSender), job.Type);
            await using var db = host.Database.NewContext();
            try { await new WebhookSender(db, Clients, NullLogger<WebhookSender>.Instance).SendAsync((int)job.Args[0], (string)job.Args[1], default); }
            catch (WebhookException e) { failures.Add(e); }
        }
        queue.Jobs.Clear();
        return failures;
    }

    private async Task<(TestHall Hall, int SiteId)> HallWithWebhooksAsync(WebhookReceiver receiver, params string[] formats)
    {
        var hall = await TestHall.OpenAsync(host.Database, W1, W2);
        var site = await hall.SiteAsync();
        await using var db = host.Database.NewContext();
        // The scan looks at every hall with a webhook: the other tests' halls are switched off, so the counts are this hall's.
        await db.SiteWebhooks.ExecuteUpdateAsync(s => s.SetProperty(h => h.Enabled, false));
        foreach (string format in formats) db.SiteWebhooks.Add(new SiteWebhook { SiteId = site.Id, Url = receiver.Url($"/{format}?key=secret"), Format = format });
        await db.SaveChangesAsync();
        return (hall, site.Id);
    }

    [Fact]
    public async Task Major_overdue_and_offline_are_sent_once_in_json_wecom_and_dingtalk()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (hall, _) = await HallWithWebhooksAsync(receiver, WebhookFormats.Json, WebhookFormats.WeCom, WebhookFormats.DingTalk);
        var now = DateTimeOffset.UtcNow;
        long eating = await hall.AuditAsync(W1, now.AddMinutes(-1), (Eating, "counter"));          // major, just found
        long cup = await hall.AuditAsync(W2, now.AddHours(-2), (Cup, "counter"));                 // minor, open for two hours
        await hall.AuditAsync(W2, now.AddDays(-5), (Phone, "counter"));                           // too old to announce
        await using (var db = host.Database.NewContext())
            await db.Cameras.Where(c => c.Id == hall.CameraId(W2)).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.OfflineSince, now.AddMinutes(-3)).SetProperty(c => c.LastFailure, "connection refused").SetProperty(c => c.ConsecutiveFailures, 3));

        var queue = new Queue();
        await using (var db = host.Database.NewContext()) Assert.Equal(9, await Scan(db, queue).ScanAsync(default));   // 3 notices × 3 webhooks
        Assert.Empty(await RunAsync(queue));
        var got = receiver.Received.ToList();
        Assert.Equal(9, got.Count);

        var json = got.Where(r => r.Path == "/json").Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal(["camera.offline", "violation.major", "violation.overdue"], json.Select(j => j.GetProperty("event").GetString()).Order());
        var major = json.Single(j => j.GetProperty("event").GetString() == "violation.major");
        Assert.Equal(Eating, major.GetProperty("data").GetProperty("clause").GetString());
        Assert.Equal(eating, major.GetProperty("data").GetProperty("audit").GetInt64());
        Assert.Equal($"http://hall.example/review/{eating}", major.GetProperty("link").GetString());
        Assert.Equal(cup, json.Single(j => j.GetProperty("event").GetString() == "violation.overdue").GetProperty("data").GetProperty("audit").GetInt64());
        Assert.Contains("工作时间不用餐吃零食", major.GetProperty("text").GetString());

        var wecom = got.Where(r => r.Path == "/wecom").Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.All(wecom, w => Assert.Equal("markdown", w.GetProperty("msgtype").GetString()));
        string content = wecom.Select(w => w.GetProperty("markdown").GetProperty("content").GetString()!).Single(c => c.Contains("重大违规"));
        Assert.StartsWith("### DeskVision · 1号窗口 发现重大违规", content);
        Assert.Contains("> 违规条款：<font color=\"warning\">工作时间不用餐吃零食（behaviour.no-eating）</font>", content);

        var ding = got.Where(r => r.Path == "/dingtalk").Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("markdown")).ToList();
        var offline = ding.Single(d => d.GetProperty("title").GetString()!.Contains("摄像头离线"));
        Assert.Contains("connection refused", offline.GetProperty("text").GetString());
        Assert.Contains("DeskVision", offline.GetProperty("text").GetString());   // the keyword DingTalk robots may require

        // Nothing twice; a camera going offline again later is news again.
        await using (var db = host.Database.NewContext()) Assert.Equal(0, await Scan(db, queue).ScanAsync(default));
        await using (var db = host.Database.NewContext())
            await db.Cameras.Where(c => c.Id == hall.CameraId(W2)).ExecuteUpdateAsync(s => s.SetProperty(c => c.OfflineSince, DateTimeOffset.UtcNow.AddSeconds(1)));
        await Task.Delay(1100);
        await using (var db = host.Database.NewContext()) Assert.Equal(3, await Scan(db, queue).ScanAsync(default));
        await using (var db = host.Database.NewContext())
            Assert.Equal(2, await db.AuditLog.CountAsync(e => e.Action == NotificationScan.OfflineAction && e.Subject == $"camera:{hall.Key}-w2"));
    }

    [Fact]
    public async Task A_failed_send_throws_for_hangfire_to_retry_and_the_retry_delivers()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (hall, _) = await HallWithWebhooksAsync(receiver, WebhookFormats.WeCom);
        await hall.AuditAsync(W1, DateTimeOffset.UtcNow.AddMinutes(-1), (Unattended, "seat"));
        var queue = new Queue();
        await using (var db = host.Database.NewContext()) Assert.Equal(1, await Scan(db, queue).ScanAsync(default));
        var job = queue.Jobs.Single();

        receiver.FailNext = 1;
        var failures = await RunAsync(queue);
        Assert.Contains("answered 500", Assert.Single(failures).Message);
        Assert.DoesNotContain("secret", failures[0].Message);   // the robot's key stays out of logs and job state
        Assert.Empty(receiver.Received);
        receiver.Answer = """{"errcode":310000,"errmsg":"keywords not in content"}""";
        queue.Jobs.Add(job);
        Assert.Contains("errcode 310000", Assert.Single(await RunAsync(queue)).Message);
        receiver.Answer = """{"errcode":0,"errmsg":"ok"}""";
        queue.Jobs.Add(job);
        Assert.Empty(await RunAsync(queue));
        Assert.Equal(2, receiver.Received.Count);   // after the 500, the robot got it twice: refused it, then took it

        var retry = typeof(WebhookSender).GetMethod(nameof(WebhookSender.SendAsync))!.GetCustomAttribute<AutomaticRetryAttribute>()!;
        Assert.True(retry.Attempts >= 5);
        await using var noHook = host.Database.NewContext();
        await new WebhookSender(noHook, Clients, NullLogger<WebhookSender>.Instance).SendAsync(-1, "{}", default);   // removed since: nothing to do
    }

    [Fact]
    public async Task Managers_add_test_switch_off_and_remove_their_halls_webhooks()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var hall = await TestHall.OpenAsync(host.Database, W1);
        var site = await hall.SiteAsync();
        using var http = await host.ClientAsync(await host.UserAsync(Roles.Manager, [site.Id]));
        string path = $"/sites/{hall.Key}/webhooks";
        string token = PagesHost.TokenIn(await http.GetStringAsync(path));

        var bad = await PagesHost.PostFormAsync(http, path, token, ("url", "file:///etc/passwd"), ("format", "json"));
        Assert.Contains("problem=", bad.Headers.Location!.OriginalString);
        var added = await PagesHost.PostFormAsync(http, path, token, ("url", receiver.Url("/robot?key=secret-key")), ("format", WebhookFormats.DingTalk));
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        string page = await http.GetStringAsync(path);
        Assert.Contains("/robot?…", page);
        Assert.DoesNotContain("secret-key", page);
        int id;
        await using (var db = host.Database.NewContext()) id = (await db.SiteWebhooks.SingleAsync(h => h.SiteId == site.Id)).Id;

        var tested = await PagesHost.PostFormAsync(http, $"{path}/{id}/test", token);
        Assert.Contains("message=", tested.Headers.Location!.OriginalString);
        var (robotPath, body) = Assert.Single(receiver.Received);
        Assert.Equal("/robot", robotPath);
        Assert.Contains("测试消息", JsonDocument.Parse(body).RootElement.GetProperty("markdown").GetProperty("title").GetString());

        await PagesHost.PostFormAsync(http, $"{path}/{id}/enabled", token, ("enabled", "false"));
        await using (var db = host.Database.NewContext()) Assert.False((await db.SiteWebhooks.SingleAsync(h => h.Id == id)).Enabled);
        using var other = await host.ClientAsync(await host.UserAsync(Roles.Manager, [-1]));
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync(path)).StatusCode);
        await PagesHost.PostFormAsync(http, $"{path}/{id}/delete", token);
        await using (var db = host.Database.NewContext())
        {
            Assert.False(await db.SiteWebhooks.AnyAsync(h => h.Id == id));
            Assert.Equal(["added", "disabled", "removed"], (await db.AuditLog.Where(e => e.Subject == $"site:{hall.Key}").OrderBy(e => e.Id).Select(e => e.Details!).ToListAsync()).Select(d => d.Split(' ')[0]));
        }
    }
}
