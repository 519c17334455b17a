namespace DeskVision.Audits;

/// <summary>Where the project's own files are: the checkout root (found from DESKVISION_ROOT or by walking up to DeskVision.sln).</summary>
public static class ProjectPaths
{
    public static string Root { get; } = FindRoot();

    public static string Models => Path.Combine(Root, "onnx-models");
    public static string Standards => Path.Combine(Root, "standards");
    public static string Sites => Path.Combine(Root, "sites");

    private static string FindRoot()
    {
        string? env = Environment.GetEnvironmentVariable("DESKVISION_ROOT");
        if (!string.IsNullOrEmpty(env)) return Path.GetFullPath(env);
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "DeskVision.sln"))) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}
