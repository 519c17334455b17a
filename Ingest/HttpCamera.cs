using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace DeskVision.Ingest;

/// <summary>How to reach an HTTP snapshot camera.</summary>
/// <param name="Url">The snapshot URL, e.g. Hikvision <c>http://cam/ISAPI/Streaming/channels/101/picture</c>,
/// Dahua <c>http://cam/cgi-bin/snapshot.cgi</c>. Credentials in the URL (<c>http://user:pass@cam/…</c>) are used and never shown.</param>
/// <param name="User">User name for Basic or Digest; overrides one in the URL.</param>
/// <param name="Password">Password for Basic or Digest; overrides one in the URL.</param>
public sealed record HttpCameraOptions(string Url, string? User = null, string? Password = null)
{
    /// <summary>Limit for one attempt, challenge round trip and body included.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Tries in all; only timeouts, dropped connections and 5xx are tried again.</summary>
    public int Attempts { get; init; } = 3;

    /// <summary>Wait before the second try; it doubles for each further one (0.5 s, 1 s, …).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Largest image accepted; a 4K JPEG is 1–3 MB, so 20 MB only stops a runaway or endless response.</summary>
    public long MaxBytes { get; init; } = 20 * 1024 * 1024;

    // The generated ToString would print the password into any log that prints the options.
    public override string ToString() =>
        $"HttpCameraOptions {{ Url = {CameraUrl.Redact(Url)}, User = {(User is null ? "-" : "***")}, Timeout = {Timeout}, Attempts = {Attempts} }}";
}

/// <summary>
/// A camera that serves one JPEG (or PNG) per HTTP GET, with Basic or Digest auth. Failures become a
/// <see cref="BadSnapshotException"/> whose message says what went wrong in words an installer can act on.
/// </summary>
public sealed class HttpCamera : ICamera
{
    private static readonly string[] ImageTypes = ["image/jpeg", "image/jpg", "image/pjpeg", "image/png"];

    private readonly HttpClient http;
    private readonly HttpCameraOptions options;
    private readonly Uri url;
    private readonly string safeUrl;
    private readonly string? user;
    private readonly string? password;

    /// <param name="http">The caller's client; it owns the handler (pooling, TLS policy for self-signed cameras).</param>
    /// <exception cref="BadSnapshotException">The URL is not an absolute http(s) URL.</exception>
    public HttpCamera(HttpClient http, HttpCameraOptions options)
    {
        this.http = http;
        this.options = options;
        safeUrl = CameraUrl.Redact(options.Url);
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new BadSnapshotException($"camera URL '{safeUrl}' is not an absolute http:// or https:// URL");
        (user, password) = CameraUrl.Credentials(uri);
        user = options.User ?? user;
        password = options.Password ?? password;
        url = new Uri($"{uri.Scheme}://{uri.Authority}{uri.PathAndQuery}");
    }

    /// <summary>Fetches one image. <see cref="Snapshot.TakenAt"/> is <paramref name="now"/>, the time the audit asked for it.</summary>
    /// <exception cref="BadSnapshotException">No image could be had; the message says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public async Task<Snapshot> TakeAsync(string cameraKey, DateTimeOffset now, CancellationToken ct)
    {
        int attempts = Math.Max(1, options.Attempts);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return new Snapshot(cameraKey, now, await TryOnceAsync(ct), safeUrl);
            }
            catch (TransientFailure) when (attempt < attempts)
            {
                await Task.Delay(options.RetryDelay * Math.Pow(2, attempt - 1), ct);
            }
            catch (TransientFailure e)
            {
                throw Fail(attempts > 1 ? $"{e.Message} ({attempts} attempts)" : e.Message, e.InnerException);
            }
        }
    }

    private async Task<byte[]> TryOnceAsync(CancellationToken ct)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(options.Timeout);
        try
        {
            using var response = await SendAsync(limit.Token);
            CheckStatus(response);
            return await ReadImageAsync(response, limit.Token);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            // Our limit, or the caller's HttpClient.Timeout if that is shorter.
            throw new TransientFailure($"timed out after {Seconds(options.Timeout)}", e);
        }
        catch (HttpRequestException e)
        {
            throw Classify(e.HttpRequestError, e);
        }
        catch (HttpIOException e)
        {
            throw Classify(e.HttpRequestError, e);
        }
        catch (IOException e)
        {
            throw new TransientFailure($"connection failed while reading the image: {CameraUrl.Scrub(e.Message, user, password)}", e);
        }
    }

    /// <summary>GET, answering an auth challenge when credentials are configured (and a stale-nonce challenge once more).</summary>
    private async Task<HttpResponseMessage> SendAsync(CancellationToken ct)
    {
        var response = await GetAsync(null, ct);
        if (user is null) return response;
        for (int round = 0; round < 2 && response.StatusCode == HttpStatusCode.Unauthorized; round++)
        {
            var challenge = HttpAuthChallenge.Choose(response.Headers.WwwAuthenticate);
            if (challenge is null && round == 0)
            {
                string offered = string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.Scheme).DefaultIfEmpty("nothing"));
                response.Dispose();
                throw Fail($"camera answered 401 Unauthorized and asks for {offered}, which is not supported (Basic and Digest are)");
            }
            if (challenge is null || (round == 1 && !challenge.IsStale)) break;
            response.Dispose();
            response = await GetAsync(challenge.Answer(user, password ?? "", HttpMethod.Get, url), ct);
        }
        return response;
    }

    private async Task<HttpResponseMessage> GetAsync(AuthenticationHeaderValue? authorization, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("image/jpeg, image/png;q=0.9, */*;q=0.1");
        request.Headers.Authorization = authorization;
        // Headers only: the body is read by hand so that the size cap holds for an endless response.
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    private void CheckStatus(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode) return;
        int code = (int)response.StatusCode;
        string answered = $"camera answered {code} {response.ReasonPhrase ?? response.StatusCode.ToString()}";
        throw response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => Fail(user is null ? $"{answered} (it needs a user name and password)" : $"{answered} (check the user name and password)"),
            HttpStatusCode.Forbidden => Fail($"{answered} (the user may not take snapshots)"),
            HttpStatusCode.NotFound => Fail($"{answered} (check the snapshot path in the URL)"),
            HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests => new TransientFailure(answered),
            _ when code >= 500 => new TransientFailure(answered),
            _ => Fail(answered),
        };
    }

    private async Task<byte[]> ReadImageAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string? type = response.Content.Headers.ContentType?.MediaType?.ToLowerInvariant();
        if (type is not null && !type.StartsWith("image/", StringComparison.Ordinal) && type is not ("application/octet-stream" or "binary/octet-stream"))
            throw Fail(type.StartsWith("multipart/", StringComparison.Ordinal)
                ? $"response is {type}, a video stream, not a snapshot (use the camera's snapshot URL)"
                : $"response is {type}, not an image");
        if (type is not null && type.StartsWith("image/", StringComparison.Ordinal) && !ImageTypes.Contains(type))
            throw Fail($"response is {type}; only JPEG and PNG snapshots are supported");
        if (response.Content.Headers.ContentLength is long announced && announced > options.MaxBytes)
            throw Fail($"response exceeds {Megabytes(options.MaxBytes)} (camera announces {Megabytes(announced)})");

        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var image = new MemoryStream();
        byte[] chunk = new byte[64 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (image.Length + read > options.MaxBytes) throw Fail($"response exceeds {Megabytes(options.MaxBytes)}");
            image.Write(chunk, 0, read);
        }

        byte[] bytes = image.ToArray();
        if (bytes.Length == 0) throw Fail("camera answered with an empty body");
        // The declared type is often wrong (or absent); the first bytes are not. Decoding stays SnapshotImage's job.
        bool jpeg = bytes is [0xFF, 0xD8, 0xFF, ..];
        bool png = bytes is [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, ..];
        if (!jpeg && !png)
            throw Fail($"response{(type is null ? "" : $" ({type})")} is not a JPEG or PNG image (starts with 0x{Convert.ToHexString(bytes.AsSpan(0, Math.Min(4, bytes.Length)))}, {bytes.Length} bytes)");
        return bytes;
    }

    private Exception Classify(HttpRequestError error, Exception e)
    {
        var socket = e.InnerException as SocketException ?? e.InnerException?.InnerException as SocketException;
        return error switch
        {
            HttpRequestError.ConnectionError when socket?.SocketErrorCode == SocketError.ConnectionRefused => new TransientFailure("connection refused", e),
            HttpRequestError.ConnectionError when socket?.SocketErrorCode is SocketError.HostUnreachable or SocketError.NetworkUnreachable =>
                new TransientFailure("camera unreachable (no route to host)", e),
            HttpRequestError.NameResolutionError => new TransientFailure($"host name '{url.Host}' not found", e),
            HttpRequestError.SecureConnectionError => Fail($"TLS handshake failed: {CameraUrl.Scrub(e.InnerException?.Message ?? e.Message, user, password)}", e),
            HttpRequestError.ResponseEnded => new TransientFailure("camera closed the connection before the whole answer arrived", e),
            HttpRequestError.InvalidResponse => Fail("camera sent an answer that is not valid HTTP", e),
            _ => new TransientFailure($"request failed: {CameraUrl.Scrub(e.Message, user, password)}", e),
        };
    }

    private BadSnapshotException Fail(string reason, Exception? inner = null) => new($"{reason}; GET {safeUrl}", inner);

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.##", CultureInfo.InvariantCulture) + " MB";

    /// <summary>A failure worth another try: timeouts, dropped connections, 5xx.</summary>
    private sealed class TransientFailure(string reason, Exception? inner = null) : Exception(reason, inner);
}
