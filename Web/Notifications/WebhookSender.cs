using System.Text;
using System.Text.Json;
using DeskVision.Store;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Notifications;

public sealed class WebhookException(string message) : Exception(message);

/// <summary>
/// The Hangfire job that posts one message to one webhook. A failure (no answer, an HTTP error, or a robot's non-zero
/// <c>errcode</c>) throws, and Hangfire tries again later with growing delays; the message is built before, so a retry
/// sends the same text.
/// </summary>
public sealed class WebhookSender(DeskVisionDb db, IHttpClientFactory http, ILogger<WebhookSender> log)
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [AutomaticRetry(Attempts = 8, DelaysInSeconds = [2, 10, 30, 60, 300, 600, 1800, 3600])]
    public async Task SendAsync(int webhookId, string payload, CancellationToken ct)
    {
        var hook = await db.SiteWebhooks.AsNoTracking().FirstOrDefaultAsync(h => h.Id == webhookId, ct);
        if (hook is null || !hook.Enabled) return; // removed or switched off since the message was queued
        await PostAsync(http.CreateClient(WebhookClient.Name), hook, payload, ct);
        log.LogInformation("Webhook {Webhook} ({Format}) of site {Site}: message delivered", hook.Id, hook.Format, hook.SiteId);
    }

    public static async Task PostAsync(HttpClient client, SiteWebhook hook, string payload, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        HttpResponseMessage response;
        try
        {
            response = await client.PostAsync(hook.Url, new StringContent(payload, Encoding.UTF8, "application/json"), timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new WebhookException($"webhook {hook.Id}: {Redact(hook.Url)} did not answer: {e.Message}");
        }
        using (response)
        {
            string body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw new WebhookException($"webhook {hook.Id}: {Redact(hook.Url)} answered {(int)response.StatusCode}");
            // The group robots answer 200 with {"errcode": 0, "errmsg": "ok"}, or a non-zero errcode when they refuse.
            if (hook.Format is WebhookFormats.WeCom or WebhookFormats.DingTalk && ErrorCode(body) is { } code and not 0)
                throw new WebhookException($"webhook {hook.Id}: robot refused the message (errcode {code})");
        }
    }

    private static long? ErrorCode(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("errcode", out var e) && e.TryGetInt64(out long c) ? c : null;
        }
        catch (JsonException) { return null; }
    }

    /// <summary>The URL without its query: robot URLs carry their secret key there.</summary>
    public static string Redact(string url)
    {
        int q = url.IndexOf('?');
        return q < 0 ? url : url[..q] + "?…";
    }
}
