using DeskVision.Audits;
using DeskVision.Store;
using DeskVision.Training;
using DeskVision.Web.Audits;
using DeskVision.Web.Labelling;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Models;

/// <summary>
/// The nightly job of one site on the <c>training</c> queue (see <see cref="NightlyTraining"/>). Its progress is a
/// version row in <c>training</c> state whose verdict line the trainer updates each epoch, so <c>/models</c> shows it
/// from any process; a run that fails leaves that row <c>failed</c> with the reason.
/// </summary>
public sealed class NightlyTrainingJob(DeskVisionDb db, ModelVersions versions, EvidenceFolder evidence, TrainingFolder training, TimeProvider clock,
    IServiceScopeFactory scopes, ILogger<NightlyTrainingJob> log)
{
    public const string Actor = "nightly-training";

    /// <summary>Every site's job at 01:30 in its own time zone, on the training queue.</summary>
    public static void Schedule(IRecurringJobManager jobs, IEnumerable<Site> sites)
    {
        foreach (var site in sites)
            jobs.AddOrUpdate<NightlyTrainingJob>(NightlyTraining.JobId(site.Key), NightlyTraining.Queue, j => j.RunAsync(site.Key, false, CancellationToken.None),
                "30 1 * * *", new RecurringJobOptions { TimeZone = Schedules.AuditScheduler.SiteZone(site) });
    }

    /// <summary>An admin's "train now": the same run, whatever the number of new frames.</summary>
    public static string Enqueue(IBackgroundJobClient jobs, string siteKey) =>
        jobs.Create<NightlyTrainingJob>(j => j.RunAsync(siteKey, true, CancellationToken.None), new Hangfire.States.EnqueuedState(NightlyTraining.Queue));

    /// <param name="force">Train even with fewer new frames than the site's <c>training.min_new_frames</c> (a run started by hand).</param>
    [Queue(NightlyTraining.Queue), AutomaticRetry(Attempts = 0)] // a failed run is recorded on its version row and waits for the next night
    [DisableConcurrentExecution(6 * 3600)]
    public async Task<string> RunAsync(string siteKey, bool force, CancellationToken ct)
    {
        var site = await db.Sites.AsNoTracking().SingleAsync(s => s.Key == siteKey, ct);
        var (count, needed, _) = await NightlyTraining.NewFramesAsync(db, site.Id, ct);
        if (count < needed && !force)
        {
            log.LogInformation("Site {Site}: {Count} of {Needed} new done frames, no training tonight", siteKey, count, needed);
            return $"skipped: {count} of {needed} new done frames";
        }
        var current = await ModelVersions.CurrentAsync(db, site.Id, ct);
        string basePath = current is null ? ModelVersions.StockModelPath
            : training.Resolve(current.FilePath) ?? throw new InvalidOperationException($"the current model's file '{current.FilePath}' is missing");
        string stamp = clock.GetUtcNow().UtcDateTime.ToString("yyyyMMdd-HHmmss");
        string work = training.Folder("runs", $"{siteKey}-{stamp}");
        string outFile = Path.Combine(training.Folder("models", siteKey), $"{siteKey}-{stamp}.onnx");
        var row = new DetectorModel
        {
            SiteId = site.Id, FilePath = training.Relative(outFile), FileSha256 = "", CreatedAt = clock.GetUtcNow(), Status = DetectorModelStatuses.Training,
            BaseModel = current is null ? $"stock {Path.GetFileName(basePath)}" : $"version {current.Id}", Verdict = "exporting the done frames",
        };
        db.DetectorModels.Add(row);
        await db.SaveChangesAsync(ct);
        try
        {
            var export = await YoloDatasets.ExportAsync(db, siteKey, Path.Combine(work, "data"), evidence, training, includeHeldBack: false, ct);
            row.DataHash = export.DataHash;
            row.TrainedOnFrames = export.TrainFrames;
            await db.SaveChangesAsync(ct);
            var progress = new EpochProgress(scopes, row.Id);
            var result = await Task.Run(() => Trainer.Run(new TrainOptions
            {
                Images = Path.Combine(export.Folder, "images", "train"), Labels = Path.Combine(export.Folder, "labels", "train"),
                NamesFile = Path.Combine(export.Folder, "classes.txt"), Base = basePath, ModelsFolder = ProjectPaths.Models, Out = outFile,
            }, progress, ct), ct);
            if (result.Cancelled) throw new OperationCanceledException("training was stopped");
            await db.Entry(row).ReloadAsync(ct);
            db.DetectorModels.Remove(row);
            await db.SaveChangesAsync(ct);
            var model = await versions.RegisterAsync(site.Id, outFile, row.BaseModel, export.DataHash, export.TrainFrames, ct);
            var verdict = await versions.JudgeAsync(model.Id, Actor, ct);
            return $"version {model.Id}: {(verdict.Promote ? "promoted" : "rejected")}: {verdict.Reason}";
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            db.ChangeTracker.Clear();
            await db.DetectorModels.Where(m => m.Id == row.Id && m.Status == DetectorModelStatuses.Training).ExecuteUpdateAsync(m => m
                .SetProperty(x => x.Status, DetectorModelStatuses.Failed).SetProperty(x => x.Verdict, $"training failed: {e.Message}"), CancellationToken.None);
            log.LogError(e, "Site {Site}: training failed", siteKey);
            throw;
        }
        finally
        {
            try { Directory.Delete(work, true); } catch (IOException) { }
        }
    }

    /// <summary>Writes each epoch's line onto the version row, from the trainer's thread, with a context of its own.</summary>
    private sealed class EpochProgress(IServiceScopeFactory scopes, int rowId) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress p)
        {
            if (p.Step < p.Steps && p.ValMap50 is null) return; // one line an epoch, not a write per step
            string line = $"training: epoch {p.Epoch}/{p.Epochs}, loss box {p.Loss.Box:0.000} cls {p.Loss.Cls:0.000} dfl {p.Loss.Dfl:0.000}, val mAP50 {p.ValMap50:0.000} (best {p.BestMap50:0.000}), {p.SecondsPerEpoch:0} s/epoch, {p.Remaining:hh\\:mm\\:ss} left";
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<DeskVisionDb>();
            db.DetectorModels.Where(m => m.Id == rowId).ExecuteUpdate(m => m.SetProperty(x => x.Verdict, line));
        }
    }
}
