namespace DeskVision.Web.Audits;

/// <summary>
/// Where snapshot images are kept. Names are built from the camera key (validated at load) and the time,
/// never from request input; files are written to a temporary name and renamed, so a crash leaves no half image.
/// </summary>
public sealed class EvidenceFolder(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public async Task<string> SaveAsync(Snapshot snapshot, CancellationToken ct)
    {
        string relative = Path.Combine(snapshot.TakenAt.UtcDateTime.ToString("yyyy-MM-dd"),
            $"{snapshot.CameraKey}_{snapshot.TakenAt.UtcDateTime:HHmmssfff}_{Guid.NewGuid():N}"[..48] + Extension(snapshot.Image));
        string full = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".part";
        await File.WriteAllBytesAsync(temp, snapshot.Image, ct);
        File.Move(temp, full, overwrite: true);
        return relative;
    }

    /// <summary>The full path of a stored relative path, or null if it would leave the folder.</summary>
    public string? Resolve(string? relative)
    {
        if (string.IsNullOrEmpty(relative)) return null;
        string full = Path.GetFullPath(Path.Combine(Root, relative));
        return full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(full) ? full : null;
    }

    private static string Extension(byte[] image) => image.Length > 3 && image[0] == 0x89 && image[1] == 0x50 ? ".png" : ".jpg";
}
