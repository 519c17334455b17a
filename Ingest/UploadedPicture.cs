namespace DeskVision.Ingest;

/// <summary>A picture posted for a camera (a manual spot check from a phone): the snapshot is that picture, taken now.</summary>
public sealed class UploadedPicture(byte[] image) : ICamera
{
    public Task<Snapshot> TakeAsync(string cameraKey, DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult(new Snapshot(cameraKey, now, image, "upload"));
}
