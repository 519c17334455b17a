using DeskVision.Audits;
using System.Security.Cryptography;
using System.Text.Json;
using DeskVision.Detectors;
using DeskVision.Store;
using DeskVision.Web.Audits;
using DeskVision.Web.Labelling;
using DeskVision.Web.Reports;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Models;

/// <summary>
/// A site's detector versions: register a model file as a candidate, judge it against the current model on the
/// site's held-back frames (<see cref="PromotionRule"/>), promote or reject it, roll the current one back. Promotions
/// and rollbacks go to the audit log. The current model of a site is the one promoted last; with none, the stock model.
/// </summary>
public sealed class ModelVersions(DeskVisionDb db, EvidenceFolder evidence, TrainingFolder training, CurrentStandard standards, TimeProvider clock,
    ILogger<ModelVersions> log)
{
    public const string PromoteAction = "model.promote", RollbackAction = "model.rollback", RejectAction = "model.reject";

    public static string Subject(int modelId) => $"model:{modelId}";

    /// <summary>The stock model every site runs until one of its own is promoted (<c>DESKVISION_MODEL</c>).</summary>
    public static string StockModelPath => ModelFile.Resolve(Environment.GetEnvironmentVariable("DESKVISION_MODEL"), ProjectPaths.Models);

    public static Task<DetectorModel?> CurrentAsync(DeskVisionDb db, int siteId, CancellationToken ct) =>
        db.DetectorModels.AsNoTracking().Where(m => m.SiteId == siteId && m.Status == DetectorModelStatuses.Promoted)
            .OrderByDescending(m => m.PromotedAt).ThenByDescending(m => m.Id).FirstOrDefaultAsync(ct);

    /// <summary>Stores a model file as a candidate of the site; it must load as a detector.</summary>
    public async Task<DetectorModel> RegisterAsync(int siteId, string file, string baseModel, string? dataHash, int trainedOnFrames, CancellationToken ct)
    {
        string full = Path.GetFullPath(file);
        IReadOnlyList<string> names;
        using (var detector = new ObjectDetector(new DetectorOptions { ModelPath = full })) names = detector.Labels;
        var model = new DetectorModel
        {
            SiteId = siteId, FilePath = full.StartsWith(training.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? training.Relative(full) : full,
            FileSha256 = Sha256(full), BaseModel = baseModel, DataHash = dataHash, ClassNames = [.. names], TrainedOnFrames = trainedOnFrames,
            CreatedAt = clock.GetUtcNow(), Status = DetectorModelStatuses.Candidate,
        };
        db.DetectorModels.Add(model);
        await db.SaveChangesAsync(ct);
        return model;
    }

    /// <summary>
    /// Judges a candidate against the site's current model on the same held-back done frames, stores both sets of
    /// figures and the frames, then promotes it (as <paramref name="actor"/>) if the rule says so, else rejects it.
    /// </summary>
    public async Task<PromotionVerdict> JudgeAsync(int modelId, string actor, CancellationToken ct)
    {
        var model = await db.DetectorModels.Include(m => m.Site).SingleAsync(m => m.Id == modelId, ct);
        var current = await CurrentAsync(db, model.SiteId, ct);
        string currentPath = current is null ? StockModelPath : training.Resolve(current.FilePath)
            ?? throw new RefusedException("current", $"the current model's file '{current.FilePath}' is missing");
        string candidatePath = CheckedFile(model);
        var frames = (await TrainingFrames.LoadAsync(db, model.SiteId, evidence, training, heldBack: true, ct))
            .Select(f => new JudgedFrame(f.Id, f.ImagePath, f.Boxes)).ToList();
        if (frames.Count == 0) throw new RefusedException("frames", $"site {model.Site.Key} has no held-back done frames to judge on yet");

        var candidateAp = ModelEvaluation.Run(candidatePath, frames, ct);
        var currentAp = ModelEvaluation.Run(currentPath, frames, ct);
        var (standard, _) = await standards.GetAsync(db, ct);
        var verdict = PromotionRule.Judge(candidateAp, currentAp, PromotionRule.RuleClasses(standard, standards.Labels));

        model.ApJson = JsonSerializer.Serialize(candidateAp);
        model.AgainstApJson = JsonSerializer.Serialize(currentAp);
        model.RuleMap50 = verdict.Classes.Count > 0 ? verdict.CandidateMap50 : null;
        model.AgainstRuleMap50 = verdict.Classes.Count > 0 ? verdict.CurrentMap50 : null;
        model.JudgedAgainst = current is null ? $"stock {Path.GetFileName(currentPath)}" : $"version {current.Id}";
        model.JudgedOnFrames = frames.Select(f => f.Id).ToList();
        model.Verdict = verdict.Reason;
        if (verdict.Promote) await PromoteAsync(model, actor, $"judged better than {model.JudgedAgainst}: {verdict.Reason}", ct);
        else
        {
            model.Status = DetectorModelStatuses.Rejected;
            Log(RejectAction, model, actor, $"not better than {model.JudgedAgainst}: {verdict.Reason}");
            await db.SaveChangesAsync(ct);
        }
        log.LogInformation("Model version {Model} of site {Site}: {Status}: {Verdict}", model.Id, model.Site.Key, model.Status, verdict.Reason);
        return verdict;
    }

    /// <summary>An admin promotes a version (a candidate, a rejected one, or one rolled back earlier).</summary>
    public async Task PromoteAsync(int modelId, string actor, CancellationToken ct)
    {
        var model = await db.DetectorModels.Include(m => m.Site).SingleOrDefaultAsync(m => m.Id == modelId, ct)
            ?? throw new KeyNotFoundException($"model version {modelId}");
        await PromoteAsync(model, actor, "promoted by hand", ct);
    }

    private async Task PromoteAsync(DetectorModel model, string actor, string why, CancellationToken ct)
    {
        // Checked here, in the process that promotes: a missing or damaged file never becomes the model every worker loads.
        CheckedFile(model);
        model.Status = DetectorModelStatuses.Promoted;
        model.PromotedAt = clock.GetUtcNow();
        model.PromotedBy = actor;
        Log(PromoteAction, model, actor, why);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The site's current version is rolled back: the one promoted before it (or the stock model) runs again.</summary>
    public async Task<DetectorModel> RollBackAsync(int siteId, string actor, CancellationToken ct)
    {
        var current = await CurrentAsync(db, siteId, ct) ?? throw new RefusedException("site", "the site runs the stock model: nothing to roll back");
        var row = await db.DetectorModels.SingleAsync(m => m.Id == current.Id, ct);
        row.Status = DetectorModelStatuses.RolledBack;
        row.RolledBackAt = clock.GetUtcNow();
        row.RolledBackBy = actor;
        var back = await db.DetectorModels.AsNoTracking().Where(m => m.SiteId == siteId && m.Status == DetectorModelStatuses.Promoted && m.Id != row.Id)
            .OrderByDescending(m => m.PromotedAt).Select(m => (int?)m.Id).FirstOrDefaultAsync(ct);
        Log(RollbackAction, row, actor, back is int id ? $"version {id} runs again" : "the stock model runs again");
        await db.SaveChangesAsync(ct);
        return row;
    }

    /// <summary>The model's file, refused when missing, changed since it was stored, or not loadable as a detector.</summary>
    private string CheckedFile(DetectorModel model)
    {
        string? path = training.Resolve(model.FilePath);
        string Refuse(string problem)
        {
            model.Verdict = $"promotion refused: {problem}";
            return problem;
        }
        if (path is null) throw new RefusedException("file", Refuse($"model file '{model.FilePath}' is missing"));
        if (Sha256(path) != model.FileSha256) throw new RefusedException("file", Refuse($"model file '{model.FilePath}' changed since it was stored (sha256 differs)"));
        try { using var _ = new ObjectDetector(new DetectorOptions { ModelPath = path }); }
        catch (ModelLoadException e) { throw new RefusedException("file", Refuse(e.Message)); }
        return path;
    }

    private void Log(string action, DetectorModel model, string actor, string details) =>
        db.AuditLog.Add(new AuditLogEntry { At = clock.GetUtcNow(), Actor = actor, Action = action, Subject = Subject(model.Id), Details = $"site {model.Site?.Key ?? model.SiteId.ToString()}: {details}" });

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
