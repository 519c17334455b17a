using System.Collections.Concurrent;
using DeskVision.Detectors;
using Microsoft.Extensions.Logging;
using DeskVision.Store;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Audits;

/// <summary>
/// The detector a site's audits run: the site's model version promoted last, or the stock model when it has none.
/// Asked before every audit (one small query), like <see cref="CurrentStandard"/>, so every web and worker process
/// picks up a version promoted a moment ago without a restart; a version's file is loaded once per process (by its
/// hash) and kept. The audit's <c>ModelId</c> (file name and hash) names the model that judged it.
/// </summary>
public sealed class CurrentDetector(AuditPipeline stock, TrainingFolder training, ILogger<CurrentDetector> log)
{
    private readonly ConcurrentDictionary<string, Lazy<AuditPipeline>> _loaded = new();

    public async Task<AuditPipeline> ForSiteAsync(DeskVisionDb db, int siteId, CancellationToken ct)
    {
        var current = await db.DetectorModels.AsNoTracking()
            .Where(m => m.SiteId == siteId && m.Status == DetectorModelStatuses.Promoted)
            .OrderByDescending(m => m.PromotedAt).ThenByDescending(m => m.Id)
            .Select(m => new { m.Id, m.FilePath, m.FileSha256 }).FirstOrDefaultAsync(ct);
        if (current is null) return stock;
        return _loaded.GetOrAdd(current.FileSha256, _ => new Lazy<AuditPipeline>(() =>
        {
            // Promotion checked the file; one missing here (a worker without the shared folder) fails the job with this
            // message and Hangfire retries, rather than judging the hall with a model it did not choose.
            string path = training.Resolve(current.FilePath)
                ?? throw new ModelLoadException($"model version {current.Id}: file '{current.FilePath}' is not in this process's training folder '{training.Root}'");
            var pipeline = new AuditPipeline(new ObjectDetector(new DetectorOptions { ModelPath = path }), stock.Standard);
            log.LogInformation("Site {Site}: detecting with model version {Model} ({ModelId})", siteId, current.Id, pipeline.ModelId);
            return pipeline;
        })).Value;
    }
}
