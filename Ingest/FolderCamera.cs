namespace DeskVision.Ingest;

/// <summary>
/// A camera that is a folder of images: cameras that push snapshots by FTP to a share, and the demo cameras,
/// which replay real photos. Each call takes the image whose turn it is (by the clock, so workers agree without state).
/// </summary>
public sealed class FolderCamera(string folder, TimeSpan period)
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];

    public async Task<Snapshot> TakeAsync(string cameraKey, DateTimeOffset now, CancellationToken ct)
    {
        if (!Directory.Exists(folder)) throw new BadSnapshotException($"camera folder '{folder}' does not exist");
        var files = Directory.EnumerateFiles(folder)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new BadSnapshotException($"camera folder '{folder}' holds no images");
        long turn = now.ToUnixTimeMilliseconds() / (long)Math.Max(1, period.TotalMilliseconds);
        string file = files[(int)(turn % files.Count)];
        return new Snapshot(cameraKey, now, await File.ReadAllBytesAsync(file, ct), file);
    }
}
