using System.Collections.Concurrent;
using DeskVision.Scoring;

namespace DeskVision.Audits;

/// <summary>
/// The settings of a camera that live only in its camera file in the site folder (reference pictures, desk line, health
/// limits), not in the database: a stored camera is completed with them before its snapshot is judged. The folder's
/// files are read again when one changes, so a new reference picture applies from the next audit.
/// </summary>
public static class CameraFiles
{
    private static readonly ConcurrentDictionary<string, (DateTime Written, CameraLayout Layout)> Read = new();

    /// <summary>The site folder the app loads (<c>DESKVISION_SITE</c>, default <c>sites/demo</c>).</summary>
    public static string SiteFolder => Environment.GetEnvironmentVariable("DESKVISION_SITE") ?? Path.Combine(ProjectPaths.Sites, "demo");

    public static CameraLayout Complete(CameraLayout stored)
    {
        string cameras = Path.Combine(SiteFolder, "cameras");
        if (!Directory.Exists(cameras)) return stored;
        foreach (string file in Directory.EnumerateFiles(cameras, "*.yaml"))
        {
            var written = File.GetLastWriteTimeUtc(file);
            if (!Read.TryGetValue(file, out var entry) || entry.Written != written)
            {
                // A camera file broken since start-up must not stop the other cameras' audits: it is skipped, and
                // its camera is judged with what the database holds.
                try { entry = (written, CameraFile.Load(file)); }
                catch (ConfigException) { continue; }
                Read[file] = entry;
            }
            if (entry.Layout.CameraKey == stored.CameraKey)
                return stored with { References = entry.Layout.References, DeskLine = entry.Layout.DeskLine, Health = entry.Layout.Health, Unchanged = entry.Layout.Unchanged };
        }
        return stored;
    }
}
