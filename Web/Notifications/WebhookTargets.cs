using System.Net;
using System.Net.Sockets;

namespace DeskVision.Web.Notifications;

/// <summary>
/// Where a site's webhooks may post: http or https only, and never to the networks in <see cref="Blocked"/>. By default
/// those are the link-local ranges and the cloud metadata services (169.254.169.254 on AWS, Azure, GCP and Tencent;
/// 100.100.100.200 on Alibaba Cloud; fd00:ec2::254 on AWS over IPv6): a manager who may add a webhook must not be able
/// to make the server fetch its own cloud credentials. Loopback and private LAN addresses stay allowed, since halls
/// often post to a relay on their own network.
/// </summary>
/// <remarks>
/// The URL is checked when it is added (literal addresses, and the addresses its host name resolves to then), and
/// again on every connection (<see cref="Connect"/>): a name that resolves elsewhere later, or a redirect, cannot get
/// round the first check. <c>DESKVISION_WEBHOOK_BLOCKED_NETWORKS</c> replaces the list (CIDRs separated by spaces or
/// commas; <c>none</c> blocks nothing).
/// </remarks>
public sealed class WebhookTargets(IReadOnlyList<IPNetwork> blocked)
{
    public const string Setting = "DESKVISION_WEBHOOK_BLOCKED_NETWORKS";
    public const int MaxUrlLength = 1000;

    public static readonly IReadOnlyList<IPNetwork> DefaultBlocked =
    [
        IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("100.100.100.200/32"), IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("fd00:ec2::254/128"),
    ];

    public IReadOnlyList<IPNetwork> Blocked { get; } = blocked;

    public static WebhookTargets Default { get; } = new(DefaultBlocked);

    /// <exception cref="FormatException">The setting names something that is not a CIDR network.</exception>
    public static WebhookTargets From(IConfiguration config)
    {
        string? setting = config[Setting];
        if (setting is null) return Default;
        var parts = setting.Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts is ["none"]) return new([]);
        return new(parts.Select(p => IPNetwork.TryParse(p, out var n) ? n
            : throw new FormatException($"{Setting}: '{p}' is not a network like 169.254.0.0/16 or fd00:ec2::254/128")).ToList());
    }

    public bool IsBlocked(IPAddress address)
    {
        // ::ffff:169.254.169.254 reaches the same host as 169.254.169.254.
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return Blocked.Any(n => n.Contains(address));
    }

    /// <summary>Why a webhook URL may not be used, or null when it may.</summary>
    /// <param name="resolve">Also resolve a host name and check its addresses (when a URL is added; a lookup that fails is no objection).</param>
    public async Task<WebhookUrlProblem?> CheckAsync(string url, bool resolve, CancellationToken ct)
    {
        if (url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
            return new WebhookUrlProblem(WebhookUrlProblem.Kind.NotHttp, null);
        // Uri reads 2852039166, 0xA9FEA9FE and 169.254.169.254 alike, so the literal forms need no parsing of their own.
        if (IPAddress.TryParse(uri.IdnHost, out var literal))
            return IsBlocked(literal) ? new WebhookUrlProblem(WebhookUrlProblem.Kind.Blocked, literal) : null;
        if (!resolve) return null;
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(TimeSpan.FromSeconds(3));
            var addresses = await Dns.GetHostAddressesAsync(uri.IdnHost, limit.Token);
            return addresses.FirstOrDefault(IsBlocked) is { } bad ? new WebhookUrlProblem(WebhookUrlProblem.Kind.Blocked, bad) : null;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return null; // the hall's DNS may only know the name on its own network; every connection is checked anyway
        }
    }

    /// <summary>
    /// Opens the TCP connection for the webhook client, refusing blocked addresses whatever name, redirect or DNS answer
    /// led there. Used as <see cref="SocketsHttpHandler.ConnectCallback"/>.
    /// </summary>
    public async ValueTask<Stream> Connect(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var endpoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(endpoint.Host, ct);
        if (addresses.FirstOrDefault(IsBlocked) is { } bad)
            throw new HttpRequestException($"webhook host {endpoint.Host} is at {bad}, a blocked network ({Setting})");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The handler of the "webhooks" HTTP client: every connection through <see cref="Connect"/>, no redirects followed.</summary>
    public SocketsHttpHandler Handler() => new() { ConnectCallback = Connect, AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
}

/// <summary>Why a webhook URL was refused; <see cref="Address"/> is the blocked address it points at.</summary>
public sealed record WebhookUrlProblem(WebhookUrlProblem.Kind Problem, IPAddress? Address)
{
    public enum Kind { NotHttp, Blocked }
}

public static class WebhookClient
{
    public const string Name = "webhooks";

    /// <summary>The webhook targets (from configuration) and the "webhooks" HTTP client that enforces them on every connection.</summary>
    public static IServiceCollection AddWebhookClient(this IServiceCollection services, IConfiguration config)
    {
        var targets = WebhookTargets.From(config);
        services.AddSingleton(targets);
        services.AddHttpClient(Name).ConfigurePrimaryHttpMessageHandler(() => targets.Handler());
        return services;
    }
}
