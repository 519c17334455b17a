using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Audits;
using DeskVision.Web.Hosting;
using DeskVision.Web.Schedules;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace DeskVision.Tests.Checks;

/// <summary>
/// 工作服不与便服混穿 and the tie, through the whole audit pipeline with the shipped standard, on the COCO photo of three
/// cadets in a black uniform with ties (../shared/testdata/coco/images/000000000328.jpg, real) and the scenario set's
/// copy of it with the middle cadet's trousers replaced by a real woman's jeans (tests/scenarios/images/mixed-0.jpg,
/// composed). The uniform references are the left cadet's torso and trousers (tests/scenarios/refs/uniform-cadet-*.jpg).
/// </summary>
[Collection(DetectorCollection.Name)]
public sealed class UniformMixedTests(DetectorFixture detectors, DatabaseFixture database)
{
    private const string Mixed = "appearance.uniform-not-mixed", Worn = "appearance.uniform-worn";
    private static string Scenario(string rel) => Path.Combine(TestData.Root, "tests", "scenarios", rel);
    private static readonly string Cadets = TestData.Coco("000000000328.jpg");

    /// <summary>The photo as a window whose seat is where the middle cadet sits; optionally a counter over his legs.</summary>
    private static CameraLayout Window(string folder, string seatOf = "[[0.28, 0.1], [0.66, 0.1], [0.66, 1], [0.28, 1]]", bool counterOverLegs = false) =>
        CameraFile.Parse(Path.Combine(folder, "cadets.yaml"), $"""
            camera: cadets
            site: test-hall
            window: cadets
            references:
              uniform: [{Scenario("refs/uniform-cadet-torso.jpg")}]
              uniform-lower: [{Scenario("refs/uniform-cadet-lower.jpg")}]
            zones:
            - {"{"} name: seat, kind: seat, polygon: {seatOf} {"}"}
            {(counterOverLegs ? "- { name: counter, kind: desk, polygon: [[0.2, 0.6], [1, 0.6], [1, 1], [0.2, 1]] }" : "")}
            """);

    private AuditResult Audit(string image, CameraLayout camera, string model = "n") =>
        new AuditPipeline(detectors.Get(model), StandardFile.Load(TestData.StandardFile, detectors.Get(model).Labels))
            .Run(new Snapshot(camera.CameraKey, DateTimeOffset.UtcNow, File.ReadAllBytes(image), image), camera);

    [Fact]
    public void Cadet_in_the_uniform_jacket_with_jeans_violates_appearance_uniform_not_mixed_and_in_the_whole_uniform_does_not()
    {
        using var folder = new TestData.TempFolder();
        var jeans = Audit(Scenario("images/mixed-0.jpg"), Window(folder.Path));
        Assert.Equal(AuditStatus.Ok, jeans.Status);
        var v = Assert.Single(jeans.Violations, v => v.ClauseId == Mixed);
        Assert.Equal("seat", v.ZoneName);
        Assert.Equal(SceneLabels.MixedUniform, v.Detection!.Label);
        Assert.DoesNotContain(jeans.Violations, v => v.ClauseId == Worn); // the jacket is the uniform's

        var uniform = Audit(Cadets, Window(folder.Path));
        Assert.Contains(uniform.Detections, d => d.Label == SceneLabels.MixedUniform);   // judged, and found not mixed
        Assert.DoesNotContain(uniform.Violations, v => v.ClauseId is Mixed or Worn);
    }

    [Fact]
    public void Trousers_behind_the_counter_are_not_judged_for_a_mixed_uniform()
    {
        using var folder = new TestData.TempFolder();
        var result = Audit(Scenario("images/mixed-0.jpg"), Window(folder.Path, counterOverLegs: true));
        Assert.Equal(AuditStatus.Ok, result.Status);
        Assert.DoesNotContain(result.Detections, d => d.Label == SceneLabels.MixedUniform);
        Assert.DoesNotContain(result.Violations, v => v.ClauseId == Mixed);
        Assert.Contains(result.Detections, d => d.Label == SceneLabels.NotUniform);   // the torso is still judged
    }

    [Fact]
    public void Tie_on_the_cadets_torso_lowers_the_not_uniform_finding_only_where_the_site_uniform_has_a_tie()
    {
        using var folder = new TestData.TempFolder();
        // The right-hand cadet, whose tie yolov8s finds (COCO labels a tie there too).
        var right = Window(folder.Path, seatOf: "[[0.5, 0.05], [0.95, 0.05], [0.95, 1], [0.5, 1]]");
        float NotUniform(AuditResult r) => Assert.Single(r.Detections, d => d.Label == SceneLabels.NotUniform).Confidence;
        var plain = Audit(Cadets, right, "s");
        Assert.Contains(plain.Detections, d => d.Label == "tie");
        var withTie = Audit(Cadets, right with { Uniform = new SiteUniform(HasTie: true, TieWeight: 0.2) }, "s");
        Assert.Equal(NotUniform(plain) * 0.8f, NotUniform(withTie), 3);
        Assert.Equal(NotUniform(plain), NotUniform(Audit(Cadets, right with { Uniform = new SiteUniform(HasTie: false, TieWeight: 0.2) }, "s")));
    }

    /// <summary>The site folder as start-up loads it (Hangfire's real PostgreSQL storage, no server: nothing runs).</summary>
    private async Task LoadSiteAsync(string folder)
    {
        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(database.ConnectionString, new PostgreSqlStorageOptions()),
            new PostgreSqlStorageOptions { PrepareSchemaIfNecessary = true });
        await using var db = database.NewContext();
        var scheduler = new AuditScheduler(db, new RecurringJobManager(storage), new BackgroundJobClient(storage), TimeProvider.System, NullLogger<AuditScheduler>.Instance);
        await new SiteSeed(db, new AuditWriter(db), scheduler, NullLogger<SiteSeed>.Instance).LoadAsync(folder, default);
    }

    [Fact]
    public async Task Site_file_saying_its_uniform_has_a_tie_reaches_every_camera_of_the_site_and_a_wrong_weight_is_refused_by_line()
    {
        using var folder = new TestData.TempFolder();
        string site = $"tie-hall-{Guid.NewGuid():N}"[..17];
        Directory.CreateDirectory(folder.File("cameras"));
        File.WriteAllText(folder.File("cameras/w1.yaml"), $"""
            camera: {site}-w1
            site: {site}
            window: 1号窗口
            zones: [{"{"} name: seat, kind: seat, polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] {"}"}]
            """);
        File.WriteAllText(folder.File("site.yaml"), $"site: {site}\nname: 领带大厅\nuniform: {"{"} tie: true, tie_weight: 0.3 {"}"}\n");
        await LoadSiteAsync(folder.Path);
        await using (var db = database.NewContext())
        {
            var camera = await db.Cameras.Include(c => c.Window).ThenInclude(w => w.Site).Include(c => c.Zones).SingleAsync(c => c.Key == $"{site}-w1");
            Assert.Equal(new SiteUniform(HasTie: true, TieWeight: 0.3), camera.ToLayout().Uniform);
        }

        File.WriteAllText(folder.File("site.yaml"), $"site: {site}\nname: 领带大厅\nuniform:\n  tie: true\n  tie_weight: 2\n");
        var wrong = await Assert.ThrowsAsync<ConfigException>(() => LoadSiteAsync(folder.Path));
        Assert.Equal(("uniform", "tie_weight", 5L), (wrong.Entry, wrong.Field, wrong.Line));
    }
}
