using System.Net;
using DeskVision.Store;
using DeskVision.Tests.Reports;
using DeskVision.Web.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static DeskVision.Tests.Reports.SeededMonth;

namespace DeskVision.Tests.WebApp;

/// <summary>
/// Where a webhook may post: http or https only, and never to link-local addresses or a cloud metadata service, neither
/// by the URL given, nor by a host name that resolves there, nor by a redirect. Checked on the hall's webhook page over
/// real HTTP, and on real connections to a receiver on 127.0.0.1.
/// </summary>
[Collection(PagesHostCollection.Name)]
public sealed class WebhookTargetTests(PagesHost host)
{
    private static IHttpClientFactory Clients(string? blocked)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [WebhookTargets.Setting] = blocked }).Build();
        return new ServiceCollection().AddWebhookClient(config).BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
    }

    private async Task<(TestHall Hall, HttpClient Http, string Path, string Token)> WebhookPageAsync()
    {
        var hall = await TestHall.OpenAsync(host.Database, W1);
        var site = await hall.SiteAsync();
        var http = await host.ClientAsync(await host.UserAsync(Roles.Manager, [site.Id]));
        string path = $"/sites/{hall.Key}/webhooks";
        return (hall, http, path, PagesHost.TokenIn(await http.GetStringAsync(path)));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/iam/security-credentials/")]
    [InlineData("http://100.100.100.200/latest/meta-data/ram/security-credentials/")]
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/")]
    [InlineData("http://[::ffff:169.254.169.254]/latest/meta-data/")]
    [InlineData("http://2852039166/latest/meta-data/")]
    [InlineData("http://0xA9FEA9FE/latest/meta-data/")]
    [InlineData("https://[fe80::1%25eth0]/hook")]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://hall.example/hook")]
    [InlineData("gopher://127.0.0.1:6379/_FLUSHALL")]
    [InlineData("javascript:alert(1)")]
    public async Task A_url_that_is_not_http_or_points_at_a_metadata_or_link_local_address_is_refused_naming_the_url_field(string url)
    {
        var (hall, http, path, token) = await WebhookPageAsync();
        using var _ = http;
        int site = (await hall.SiteAsync()).Id;

        var answer = await PagesHost.PostFormAsync(http, path, token, ("url", url), ("format", WebhookFormats.Json));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        string page = await http.GetStringAsync(answer.Headers.Location!.OriginalString + "&lang=zh");
        Assert.Contains("data-field='url'", page);
        Assert.Contains("推送地址：", page); // the field's label leads the message
        Assert.Contains("aria-invalid=true", page);
        await using var db = host.Database.NewContext();
        Assert.False(await db.SiteWebhooks.AnyAsync(h => h.SiteId == site));
        Assert.False(await db.AuditLog.AnyAsync(e => e.Subject == $"site:{hall.Key}"));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/relay")]
    [InlineData("http://192.168.1.20/hook")]
    [InlineData("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc")]
    public async Task A_url_on_the_halls_own_network_or_a_robot_service_is_accepted(string url)
    {
        var (hall, http, path, token) = await WebhookPageAsync();
        using var _ = http;
        int site = (await hall.SiteAsync()).Id;

        var answer = await PagesHost.PostFormAsync(http, path, token, ("url", url), ("format", WebhookFormats.Json));

        Assert.DoesNotContain("problem=", answer.Headers.Location!.OriginalString);
        await using var db = host.Database.NewContext();
        Assert.Equal(url, (await db.SiteWebhooks.SingleAsync(h => h.SiteId == site)).Url);
    }

    [Fact]
    public async Task A_host_name_that_resolves_into_a_blocked_network_is_refused_when_added()
    {
        var loopbackBlocked = new WebhookTargets([IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")]);

        var problem = await loopbackBlocked.CheckAsync("http://localhost:9/hook", resolve: true, default);

        Assert.Equal(WebhookUrlProblem.Kind.Blocked, problem?.Problem);
        Assert.Null(await WebhookTargets.Default.CheckAsync("http://localhost:9/hook", resolve: true, default));
    }

    [Fact]
    public async Task Every_connection_is_checked_so_a_name_resolving_into_a_blocked_network_later_posts_nothing()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // The URL was fine when added; now its name resolves into a network the site blocks (here: loopback).
        var hook = new SiteWebhook { Id = 1, SiteId = 1, Url = $"http://localhost:{receiver.BaseAddress.Port}/hook", Format = WebhookFormats.Json };

        var refused = await Assert.ThrowsAsync<WebhookException>(() =>
            WebhookSender.PostAsync(Clients("127.0.0.0/8 ::1/128").CreateClient(WebhookClient.Name), hook, "{}", default));

        Assert.Contains("blocked network", refused.Message);
        Assert.Empty(receiver.Received);
        // The same URL with the default list reaches the receiver: the refusal above was the check, not a broken request.
        await WebhookSender.PostAsync(Clients(null).CreateClient(WebhookClient.Name), hook, "{}", default);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_so_it_cannot_lead_a_post_to_the_metadata_service()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        await using var redirector = builder.Build();
        // 307 keeps the method and body: a client that followed it would POST the message to the metadata address.
        redirector.MapPost("/hook", () => Results.Redirect("http://169.254.169.254/latest/meta-data/", permanent: false, preserveMethod: true));
        await redirector.StartAsync();
        var hook = new SiteWebhook { Id = 2, SiteId = 1, Url = new Uri(new Uri(redirector.Urls.First()), "/hook").ToString(), Format = WebhookFormats.Json };

        var refused = await Assert.ThrowsAsync<WebhookException>(() =>
            WebhookSender.PostAsync(Clients(null).CreateClient(WebhookClient.Name), hook, "{}", default));

        Assert.Contains("answered 307", refused.Message);
        await redirector.StopAsync();
    }

    [Fact]
    public void The_blocked_networks_are_a_setting_with_link_local_and_metadata_addresses_by_default()
    {
        static WebhookTargets From(string? value) => WebhookTargets.From(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [WebhookTargets.Setting] = value }).Build());

        Assert.True(From(null).IsBlocked(IPAddress.Parse("169.254.169.254")));
        Assert.True(From(null).IsBlocked(IPAddress.Parse("fd00:ec2::254")));
        Assert.False(From(null).IsBlocked(IPAddress.Parse("127.0.0.1")));
        Assert.False(From(null).IsBlocked(IPAddress.Parse("10.1.2.3")));
        Assert.True(From("10.0.0.0/8, 172.16.0.0/12").IsBlocked(IPAddress.Parse("10.1.2.3")));
        Assert.False(From("10.0.0.0/8").IsBlocked(IPAddress.Parse("169.254.169.254"))); // the setting replaces the list
        Assert.False(From("none").IsBlocked(IPAddress.Parse("169.254.169.254")));
        var wrong = Assert.Throws<FormatException>(() => From("169.254.0.0/33"));
        Assert.Contains(WebhookTargets.Setting, wrong.Message);
    }
}
