using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace DeskVision.Ingest;

/// <summary>How to reach an RTSP camera.</summary>
/// <param name="Url">The stream URL, e.g. <c>rtsp://cam:554/Streaming/Channels/101</c>; credentials in it are used and never shown.</param>
/// <param name="User">User name; overrides one in the URL.</param>
/// <param name="Password">Password; overrides one in the URL.</param>
public sealed record RtspCameraOptions(string Url, string? User = null, string? Password = null)
{
    /// <summary>Hard limit for connecting and getting one frame (about 1 s on a healthy camera); ffmpeg is killed after it.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Debian's ffmpeg: OpenCV's bundled FFmpeg has no network protocols (see docs on the platform).</summary>
    public string FfmpegPath { get; init; } = "ffmpeg";

    /// <summary>Largest frame accepted from ffmpeg.</summary>
    public long MaxBytes { get; init; } = 20 * 1024 * 1024;

    // The generated ToString would print the password into any log that prints the options.
    public override string ToString() =>
        $"RtspCameraOptions {{ Url = {CameraUrl.Redact(Url)}, User = {(User is null ? "-" : "***")}, Timeout = {Timeout} }}";
}

/// <summary>
/// A camera read over RTSP: runs <c>ffmpeg</c> to take the first frame of the stream as a JPEG. ffmpeg runs as a
/// child process with a hard time limit, so a camera that stalls can hang neither the job nor the worker.
/// </summary>
public sealed class RtspCamera : ICamera
{
    private readonly RtspCameraOptions options;
    private readonly string ffmpegUrl;
    private readonly string safeUrl;
    private readonly string? user;
    private readonly string? password;

    /// <exception cref="BadSnapshotException">The URL is not an absolute rtsp:// or rtsps:// URL.</exception>
    public RtspCamera(RtspCameraOptions options)
    {
        this.options = options;
        safeUrl = CameraUrl.Redact(options.Url);
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) || uri.Scheme is not ("rtsp" or "rtsps"))
            throw new BadSnapshotException($"camera URL '{safeUrl}' is not an absolute rtsp:// URL");
        (user, password) = CameraUrl.Credentials(uri);
        user = options.User ?? user;
        password = options.Password ?? password;
        ffmpegUrl = user is null ? $"{uri.Scheme}://{uri.Authority}{uri.PathAndQuery}" : CameraUrl.WithCredentials(uri, user, password);
    }

    /// <summary>Grabs one frame. <see cref="Snapshot.TakenAt"/> is <paramref name="now"/>, the time the audit asked for it.</summary>
    /// <exception cref="BadSnapshotException">No frame could be had; the message says why.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (ffmpeg is killed).</exception>
    public async Task<Snapshot> TakeAsync(string cameraKey, DateTimeOffset now, CancellationToken ct)
    {
        var start = new ProcessStartInfo(options.FfmpegPath)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // Short probing: the default probes for 5–6 s; -q:v 2 keeps the JPEG close to the camera's own quality for detection.
        foreach (string arg in (string[])["-hide_banner", "-nostdin", "-loglevel", "error",
                     "-rtsp_transport", "tcp", "-analyzeduration", "500000", "-probesize", "32768", "-i", ffmpegUrl,
                     "-an", "-frames:v", "1", "-f", "image2pipe", "-vcodec", "mjpeg", "-q:v", "2", "-"])
            start.ArgumentList.Add(arg);

        using var ffmpeg = new Process { StartInfo = start };
        try { ffmpeg.Start(); }
        catch (Win32Exception e) { throw Fail($"cannot run '{options.FfmpegPath}' ({e.Message}); install Debian's ffmpeg", e); }
        ffmpeg.StandardInput.Close();

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(options.Timeout);
        var stdout = ReadFrameAsync(ffmpeg.StandardOutput.BaseStream);
        var stderr = LastLineAsync(ffmpeg.StandardError);
        try
        {
            await ffmpeg.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(ffmpeg);
            await Task.WhenAll(stdout, stderr).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            ct.ThrowIfCancellationRequested();
            throw Fail($"no frame within {options.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s (ffmpeg stopped)");
        }

        var (frame, tooBig) = await stdout;
        string lastLine = await stderr;
        if (tooBig) throw Fail($"frame exceeds {options.MaxBytes / (1024 * 1024)} MB");
        if (ffmpeg.ExitCode != 0 || frame.Length == 0)
            throw Fail(Explain(lastLine, ffmpeg.ExitCode));
        return new Snapshot(cameraKey, now, frame, safeUrl);
    }

    /// <summary>Reads ffmpeg's stdout; past the cap it keeps draining (so ffmpeg is not blocked) but keeps nothing.</summary>
    private async Task<(byte[] Frame, bool TooBig)> ReadFrameAsync(Stream output)
    {
        using var frame = new MemoryStream();
        byte[] chunk = new byte[64 * 1024];
        bool tooBig = false;
        int read;
        while ((read = await output.ReadAsync(chunk)) > 0)
        {
            if (frame.Length + read > options.MaxBytes) tooBig = true;
            if (!tooBig) frame.Write(chunk, 0, read);
        }
        return (tooBig ? [] : frame.ToArray(), tooBig);
    }

    private static async Task<string> LastLineAsync(StreamReader errors)
    {
        string last = "";
        while (await errors.ReadLineAsync() is { } line)
            if (!string.IsNullOrWhiteSpace(line)) last = line.Trim();
        return last;
    }

    /// <summary>ffmpeg's last error line, credentials scrubbed, with the common cases said plainly.</summary>
    private string Explain(string lastLine, int exitCode)
    {
        string said = CameraUrl.Scrub(lastLine, user, password);
        if (said.Length == 0) return exitCode == 0 ? "stream gave no video frame" : $"ffmpeg failed with exit code {exitCode} and no message";
        if (said.Contains("401 Unauthorized", StringComparison.OrdinalIgnoreCase))
            return user is null ? $"camera answered 401 Unauthorized (it needs a user name and password): {said}" : $"camera answered 401 Unauthorized (check the user name and password): {said}";
        if (said.Contains("Connection refused", StringComparison.OrdinalIgnoreCase)) return $"connection refused: {said}";
        if (said.Contains("404 Not Found", StringComparison.OrdinalIgnoreCase)) return $"camera answered 404 Not Found (check the stream path in the URL): {said}";
        return $"ffmpeg could not read a frame: {said}";
    }

    private static void Kill(Process process)
    {
        try { process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { } // it ended by itself meanwhile
    }

    private BadSnapshotException Fail(string reason, Exception? inner = null) => new($"{reason}; {safeUrl}", inner);
}
