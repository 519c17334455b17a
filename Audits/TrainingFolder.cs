namespace DeskVision.Audits;

/// <summary>
/// Where training material is kept apart from the evidence: imported pictures, the unblurred frames a site keeps
/// (<c>training.keep_frames</c>) and trained models. Made readable by the service's own user only (0700): the app
/// serves nothing from it except to admins and the trainer. <c>DESKVISION_TRAINING</c>, default <c>.data/training</c>.
/// </summary>
public sealed class TrainingFolder(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public static string DefaultRoot => Environment.GetEnvironmentVariable("DESKVISION_TRAINING") ?? Path.Combine(ProjectPaths.Root, ".data", "training");

    /// <summary>A sub-folder (frames/…, models/…), made when missing, the root private to the service's user.</summary>
    public string Folder(params string[] parts)
    {
        if (!Directory.Exists(Root))
        {
            Directory.CreateDirectory(Root);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        string full = Path.Combine([Root, .. parts]);
        Directory.CreateDirectory(full);
        return full;
    }

    /// <summary>The full path of a stored relative path (or an absolute one, as registered), or null when missing or leaving the folder.</summary>
    public string? Resolve(string? path)
    {
        if (string.IsNullOrEmpty(path)) return null;
        if (Path.IsPathRooted(path)) return File.Exists(path) ? path : null;
        string full = Path.GetFullPath(Path.Combine(Root, path));
        return full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(full) ? full : null;
    }

    public string Relative(string full) => Path.GetRelativePath(Root, full);

    /// <summary>Writes bytes to a temporary name and renames, so a crash leaves no half file; returns the relative path.</summary>
    public async Task<string> SaveAsync(byte[] bytes, string folder, string name, CancellationToken ct)
    {
        string full = Path.Combine(Folder(folder), name);
        await File.WriteAllBytesAsync(full + ".part", bytes, ct);
        File.Move(full + ".part", full, overwrite: true);
        return Relative(full);
    }
}
