using DeskVision.Audits;
using DeskVision.Store;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Models;
using DeskVision.Web.Reports;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace DeskVision.Tests.Labelling;

/// <summary>
/// The promotion rule decided on real evaluations: the stock models judged on the 26 labelled office frames (real
/// overhead CCTV, imported as the site's held-back set), and what happens when a model file is missing or damaged.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PromotionTests(LabelledSets sets, ITestOutputHelper output) : IClassFixture<LabelledSets>
{
    /// <summary>A site whose held-back frames are the office set, running <paramref name="current"/> (promoted by an admin).</summary>
    private async Task<(int Site, int Current)> SiteRunningAsync(string current)
    {
        var (site, camera) = await sets.SiteAsync("promo");
        string export = sets.OfficeAsCocoExport();
        try { await sets.ImportAsync(export, camera, heldBack: true); }
        finally { Directory.Delete(export, true); }
        await using var db = sets.Database.NewContext();
        var versions = sets.Versions(db);
        var model = await versions.RegisterAsync(site, TestData.ModelPath(current), $"stock {current}", null, 0, default);
        await versions.PromoteAsync(model.Id, "admin", default);
        return (site, model.Id);
    }

    [Fact]
    public async Task Stock_s_as_candidate_is_promoted_over_stock_n_on_the_office_frames()
    {
        var (site, current) = await SiteRunningAsync("n");
        await using var db = sets.Database.NewContext();
        var versions = sets.Versions(db);
        var candidate = await versions.RegisterAsync(site, TestData.ModelPath("s"), "stock s", null, 0, default);

        var verdict = await versions.JudgeAsync(candidate.Id, "nightly-training", default);
        output.WriteLine($"s against n on the 26 office frames: {verdict.Reason}");

        Assert.True(verdict.Promote, verdict.Reason);
        Assert.Contains("person", verdict.Classes);
        Assert.Contains("cell phone", verdict.Classes);
        Assert.True(verdict.CandidateMap50 > verdict.CurrentMap50);
        var stored = await db.DetectorModels.AsNoTracking().SingleAsync(m => m.Id == candidate.Id);
        Assert.Equal(DetectorModelStatuses.Promoted, stored.Status);
        Assert.Equal(26, stored.JudgedOnFrames.Count);
        Assert.Equal(candidate.Id, (await ModelVersions.CurrentAsync(db, site, default))!.Id);
        Assert.True(await db.AuditLog.AnyAsync(e => e.Action == ModelVersions.PromoteAction && e.Subject == ModelVersions.Subject(candidate.Id) && e.Actor == "nightly-training"));
        Assert.NotEqual(current, candidate.Id);
    }

    [Fact]
    public async Task Stock_n_as_candidate_is_rejected_against_stock_s_and_kept_with_its_figures()
    {
        var (site, current) = await SiteRunningAsync("s");
        await using var db = sets.Database.NewContext();
        var versions = sets.Versions(db);
        var candidate = await versions.RegisterAsync(site, TestData.ModelPath("n"), "stock n", null, 0, default);

        var verdict = await versions.JudgeAsync(candidate.Id, "nightly-training", default);
        output.WriteLine($"n against s on the 26 office frames: {verdict.Reason}");

        Assert.False(verdict.Promote, verdict.Reason);
        var stored = await db.DetectorModels.AsNoTracking().SingleAsync(m => m.Id == candidate.Id);
        Assert.Equal(DetectorModelStatuses.Rejected, stored.Status);
        Assert.NotNull(stored.ApJson);
        Assert.NotNull(stored.AgainstApJson);
        Assert.True(stored.RuleMap50 < stored.AgainstRuleMap50);
        Assert.Equal(current, (await ModelVersions.CurrentAsync(db, site, default))!.Id);
    }

    [Fact]
    public async Task A_model_file_missing_at_promotion_is_refused_and_the_current_model_stays()
    {
        var (site, current) = await SiteRunningAsync("n");
        string copy = Path.Combine(sets.TrainingFolder.Folder("models"), $"missing-{Guid.NewGuid():N}.onnx");
        File.Copy(TestData.ModelPath("n"), copy);
        await using var db = sets.Database.NewContext();
        var versions = sets.Versions(db);
        var candidate = await versions.RegisterAsync(site, copy, "stock n", null, 0, default);
        File.Delete(copy);

        var refused = await Assert.ThrowsAsync<RefusedException>(() => versions.PromoteAsync(candidate.Id, "admin", default));

        Assert.Contains("missing", refused.Message);
        Assert.Equal(current, (await ModelVersions.CurrentAsync(db, site, default))!.Id);
    }

    [Fact]
    public async Task A_model_file_damaged_after_it_was_stored_is_refused_and_the_current_model_stays()
    {
        var (site, current) = await SiteRunningAsync("n");
        string copy = Path.Combine(sets.TrainingFolder.Folder("models"), $"damaged-{Guid.NewGuid():N}.onnx");
        File.Copy(TestData.ModelPath("n"), copy);
        await using var db = sets.Database.NewContext();
        var versions = sets.Versions(db);
        var candidate = await versions.RegisterAsync(site, copy, "stock n", null, 0, default);
        await using (var f = File.OpenWrite(copy)) f.SetLength(f.Length / 3); // a copy cut short

        var refused = await Assert.ThrowsAsync<RefusedException>(() => versions.JudgeAsync(candidate.Id, "nightly-training", default));

        Assert.Contains("changed since it was stored", refused.Message);
        Assert.Equal(current, (await ModelVersions.CurrentAsync(db, site, default))!.Id);
        Assert.Equal(DetectorModelStatuses.Candidate, (await db.DetectorModels.AsNoTracking().SingleAsync(m => m.Id == candidate.Id)).Status);
    }

    [Fact]
    public async Task A_file_that_is_not_a_detector_cannot_even_be_registered()
    {
        var (site, _) = await sets.SiteAsync("bad");
        string junk = Path.Combine(sets.TrainingFolder.Folder("models"), "junk.onnx");
        await File.WriteAllBytesAsync(junk, new byte[4096]);
        await using var db = sets.Database.NewContext();
        await Assert.ThrowsAsync<Detectors.ModelLoadException>(() => sets.Versions(db).RegisterAsync(site, junk, "?", null, 0, default));
        Assert.False(await db.DetectorModels.AnyAsync(m => m.SiteId == site));
    }

    [Fact]
    public async Task Rolling_back_the_current_version_brings_back_the_one_before()
    {
        var (site, first) = await SiteRunningAsync("n");
        await using var db = sets.Database.NewContext();
        var versions = sets.Versions(db);
        var second = await versions.RegisterAsync(site, TestData.ModelPath("s"), "stock s", null, 0, default);
        await versions.PromoteAsync(second.Id, "admin", default);
        Assert.Equal(second.Id, (await ModelVersions.CurrentAsync(db, site, default))!.Id);

        await versions.RollBackAsync(site, "admin", default);

        Assert.Equal(first, (await ModelVersions.CurrentAsync(db, site, default))!.Id);
        Assert.True(await db.AuditLog.AnyAsync(e => e.Action == ModelVersions.RollbackAction && e.Subject == ModelVersions.Subject(second.Id)));
    }
}
