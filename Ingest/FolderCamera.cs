namespace DeskVision.Ingest;

/// <summary>
/// A camera that pushes its snapshots into a folder (FTP upload to a share, as many NVRs and cameras can): the
/// snapshot is the newest image there. No image newer than <paramref name="maxAge"/> means the camera stopped sending,
/// which is a failed snapshot, not an old picture audited again.
/// </summary>
public sealed class FolderCamera(string folder, TimeSpan maxAge) : ICamera
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];

    public async Task<Snapshot> TakeAsync(string cameraKey, DateTimeOffset now, CancellationToken ct)
    {
        if (!Directory.Exists(folder)) throw new BadSnapshotException($"camera folder '{folder}' does not exist");
        var newest = new DirectoryInfo(folder).EnumerateFiles()
            .Where(f => Extensions.Contains(f.Extension, StringComparer.OrdinalIgnoreCase) && !f.Name.StartsWith('.'))
            .MaxBy(f => f.LastWriteTimeUtc);
        if (newest is null) throw new BadSnapshotException($"camera folder '{folder}' holds no images");
        var age = now - new DateTimeOffset(newest.LastWriteTimeUtc, TimeSpan.Zero);
        if (age > maxAge)
            throw new BadSnapshotException($"no new image in '{folder}' for {age.TotalMinutes:0} min (newest: {newest.Name})");
        return new Snapshot(cameraKey, new DateTimeOffset(newest.LastWriteTimeUtc, TimeSpan.Zero), await File.ReadAllBytesAsync(newest.FullName, ct), newest.FullName);
    }
}
