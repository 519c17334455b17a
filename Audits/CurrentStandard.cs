using System.Collections.Concurrent;
using DeskVision.Detectors;
using DeskVision.Scoring;
using DeskVision.Store;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace DeskVision.Audits;

/// <summary>
/// The version of the standard new audits are scored with: the one published last (<see cref="PublishedStandards"/>).
/// Asked before every audit, one small query, so every web and worker process scores with a version an admin published
/// a moment ago without a restart. A version never changes once stored, so each is parsed once per process and kept.
/// </summary>
public sealed class CurrentStandard(ObjectDetector detector, ILogger<CurrentStandard> log)
{
    private readonly ConcurrentDictionary<int, Standard> _parsed = new();

    /// <summary>The detector's class names: a standard whose rules name any other label is refused.</summary>
    public IReadOnlyCollection<string> Labels => detector.Labels;

    public async Task<(Standard Standard, int VersionId)> GetAsync(DeskVisionDb db, CancellationToken ct)
    {
        var current = await PublishedStandards.CurrentAsync(db, ct);
        if (current is null)
        {
            // A database no process has started on yet (start-up publishes the site's file): publish the file now.
            await PublishFileAsync(db, ct);
            current = await PublishedStandards.CurrentAsync(db, ct) ?? throw new InvalidOperationException("no standard version is published");
        }
        if (_parsed.TryGetValue(current.Id, out var known)) return (known, current.Id);

        string content = (await db.StandardVersions.Where(v => v.Id == current.Id).Select(v => v.Content).SingleAsync(ct))!;
        // Checked when it was published; a worker running another model may still not know a label it names, and must
        // then refuse to score rather than score with part of the standard (the job fails with this message and retries).
        var standard = StandardFile.Parse($"standard version {current.Id}", content, detector.Labels);
        _parsed[current.Id] = standard;
        log.LogInformation("Scoring with standard version {VersionId}: {Name} {Version}@{Hash}", current.Id, standard.Name, standard.Version, standard.ContentHash);
        return (standard, current.Id);
    }

    /// <summary>The site's standard file (<c>DESKVISION_STANDARD</c>), published when its content never was; see <see cref="PublishedStandards.PublishFileAsync"/>.</summary>
    public async Task<int> PublishFileAsync(DeskVisionDb db, CancellationToken ct)
    {
        string path = AppSettings.DefaultStandardFile;
        string text = ConfigNode.ReadText(path);
        var standard = StandardFile.Parse(path, text, detector.Labels);
        return await PublishedStandards.PublishFileAsync(db, standard, text, Path.GetRelativePath(ProjectPaths.Root, path), DateTimeOffset.UtcNow, ct);
    }
}
