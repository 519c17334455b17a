using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DeskVision.Tests.WebApp;

/// <summary>
/// A webhook endpoint on 127.0.0.1 (Kestrel, a free port) that keeps what it is sent. It can refuse the next requests
/// with 500, or answer like a group robot that refuses ({"errcode": 310000}).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    public ConcurrentQueue<(string Path, string Body)> Received { get; } = new();
    /// <summary>What was answered 500 (see <see cref="FailNext"/>).</summary>
    public ConcurrentQueue<string> Refused { get; } = new();
    /// <summary>How many of the next requests get 500.</summary>
    public int FailNext;
    public string Answer { get; set; } = """{"errcode":0,"errmsg":"ok"}""";
    public Uri BaseAddress { get; }

    private WebhookReceiver(WebApplication app, Uri baseAddress) { _app = app; BaseAddress = baseAddress; }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? self = null;
        app.MapPost("/{**path}", async (HttpContext http, string path) =>
        {
            string body = await new StreamReader(http.Request.Body).ReadToEndAsync();
            if (Interlocked.Decrement(ref self!.FailNext) >= 0) { self.Refused.Enqueue(body); return Results.StatusCode(500); }
            self.Received.Enqueue(("/" + path, body));
            return Results.Text(self.Answer, "application/json");
        });
        await app.StartAsync();
        self = new WebhookReceiver(app, new Uri(app.Urls.First()));
        return self;
    }

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
