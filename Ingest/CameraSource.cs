namespace DeskVision.Ingest;

/// <summary>The camera a configured source names, chosen by its scheme: <c>folder:PATH</c>, <c>http(s)://</c> or <c>rtsp://</c>.</summary>
public static class CameraSource
{
    /// <summary>A pushing camera that sent nothing for this long has stopped.</summary>
    public static readonly TimeSpan FolderMaxAge = TimeSpan.FromMinutes(10);

    /// <param name="http">The client an HTTP camera is asked with (made only for an HTTP source).</param>
    /// <param name="root">The folder a relative <c>folder:</c> path is read from.</param>
    public static ICamera Open(string source, string? user, string? password, Func<HttpClient> http, string root)
    {
        if (source.StartsWith("folder:", StringComparison.Ordinal))
            return new FolderCamera(Path.GetFullPath(Path.Combine(root, source["folder:".Length..])), FolderMaxAge);
        if (source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            return new HttpCamera(http(), new HttpCameraOptions(source, user, password));
        if (source.StartsWith("rtsp://", StringComparison.OrdinalIgnoreCase))
            return new RtspCamera(new RtspCameraOptions(source, user, password));
        throw new BadSnapshotException($"camera source '{CameraUrl.Redact(source)}' is not folder:, http(s):// or rtsp://");
    }
}
