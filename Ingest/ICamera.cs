namespace DeskVision.Ingest;

/// <summary>
/// Where a camera's snapshot comes from. One type per kind of source: <see cref="HttpCamera"/>, <see cref="RtspCamera"/>,
/// <see cref="FolderCamera"/> and <see cref="UploadedPicture"/>; <see cref="CameraSource.Open"/> picks one from the URL.
/// </summary>
public interface ICamera
{
    Task<Snapshot> TakeAsync(string cameraKey, DateTimeOffset now, CancellationToken ct);
}
