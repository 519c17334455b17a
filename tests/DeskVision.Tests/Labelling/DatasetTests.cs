using DeskVision.Audits;
using DeskVision.Store;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Audits;
using DeskVision.Web.Labelling;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Tests.Labelling;

/// <summary>
/// <c>dataset export</c> and <c>dataset import</c> on real labelled frames (the shared office set as Roboflow exported
/// it: data.yaml with its own class names), and YOLO files a tool got wrong, refused with the file, line and reason.
/// </summary>
public sealed class DatasetTests(LabelledSets sets) : IClassFixture<LabelledSets>
{
    /// <summary>Each label comes back once, with its class and its box within 0.1 pixel (the export writes 6 decimals of the picture's size).</summary>
    private static void AssertSameLabels(IEnumerable<FrameLabel> expected, IEnumerable<FrameLabel> actual)
    {
        var left = actual.ToList();
        Assert.Equal(expected.Count(), left.Count);
        foreach (var a in expected)
        {
            var match = left.FirstOrDefault(b => b.ClassName == a.ClassName
                && new[] { a.X1 - b.X1, a.Y1 - b.Y1, a.X2 - b.X2, a.Y2 - b.Y2 }.All(d => Math.Abs(d) <= 0.1f));
            Assert.True(match is not null, $"{a.ClassName} [{a.X1}, {a.Y1}, {a.X2}, {a.Y2}] did not come back");
            left.Remove(match!);
        }
    }

    [Fact]
    public async Task Export_then_import_gives_back_the_same_labels()
    {
        var (siteId, camera) = await sets.SiteAsync("round");
        var imported = await sets.ImportAsync(LabelledSets.Office, camera, heldBack: false);
        Assert.Equal(26, imported.Frames);
        Assert.Equal(["chair", "keyboard", "laptop", "monitor", "person", "phone"], imported.Classes);
        string site;
        await using (var db = sets.Database.NewContext()) site = await db.Sites.Where(s => s.Id == siteId).Select(s => s.Key).SingleAsync();

        using var export = new TestData.TempFolder();
        string dir = Path.Combine(export.Path, "set");
        ExportSummary summary;
        await using (var db = sets.Database.NewContext())
            summary = await YoloDatasets.ExportAsync(db, site, dir, new EvidenceFolder(sets.Evidence.Path), sets.TrainingFolder, includeHeldBack: true, default);
        Assert.Equal(26, summary.TrainFrames + summary.ValFrames);
        Assert.True(File.Exists(Path.Combine(dir, "data.yaml")));
        Assert.Equal(summary.Classes, File.ReadAllLines(Path.Combine(dir, "classes.txt")));

        string second = camera + "-b";
        await using (var db = sets.Database.NewContext()) await TestCameras.AddAsync(db, second, site, "window-" + second);
        var back = await sets.ImportAsync(dir, second, heldBack: false);
        Assert.Equal(imported.Boxes, back.Boxes);

        await using (var db = sets.Database.NewContext())
        {
            var originals = await db.LabelledFrames.AsNoTracking().Include(f => f.Labels).Where(f => f.Camera.Key == camera).ToListAsync();
            var copies = await db.LabelledFrames.AsNoTracking().Include(f => f.Labels).Where(f => f.Camera.Key == second).ToListAsync();
            Assert.Equal(originals.Count, copies.Count);
            foreach (var copy in copies)
            {
                // The export names each picture {camera}_{frame id}: the copy's source frame.
                long id = long.Parse(Path.GetFileNameWithoutExtension(copy.ImportedFrom!).Split('_').Last());
                var original = originals.Single(o => o.Id == id);
                AssertSameLabels(original.Labels, copy.Labels);
                Assert.Equal((original.Width, original.Height), (copy.Width, copy.Height));
            }
        }
    }

    /// <summary>A one-image YOLO set: a real photo, data.yaml with two classes, and the given label file.</summary>
    private static string SetWith(string labels, string names = "names: [person, 'cell phone']", bool corruptImage = false)
    {
        string dir = Directory.CreateTempSubdirectory("bad-set-").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "train", "images"));
        Directory.CreateDirectory(Path.Combine(dir, "train", "labels"));
        byte[] photo = File.ReadAllBytes(TestData.Coco("000000000572.jpg"));
        File.WriteAllBytes(Path.Combine(dir, "train", "images", "a.jpg"), photo);
        File.WriteAllBytes(Path.Combine(dir, "train", "images", "b.jpg"), corruptImage ? photo[..(photo.Length / 2)] : photo);
        File.WriteAllText(Path.Combine(dir, "train", "labels", "a.txt"), "0 0.5 0.5 0.2 0.2\n");
        File.WriteAllText(Path.Combine(dir, "train", "labels", "b.txt"), labels);
        File.WriteAllText(Path.Combine(dir, "data.yaml"), $"train: train/images\nnc: 2\n{names}\n");
        return dir;
    }

    [Theory]
    [InlineData("0 0.5 0.5 0.2 0.2\n1 0.5 0.5 0.2\n", null, false, "train/labels/b.txt:2: expected 'class cx cy w h' (5 fields), got 4")]
    [InlineData("5 0.5 0.5 0.2 0.2\n", null, false, "train/labels/b.txt:1: class id 5 is outside the 2 class names")]
    [InlineData("0 0.5 0.5 0.2 0.2\n\n1 0.95 0.5 0.2 0.2\n", null, false, "train/labels/b.txt:3: box (0.95 0.5 0.2 0.2) reaches outside 0..1")]
    [InlineData("0 640 320 50 50\n", null, false, "train/labels/b.txt:1: box (640 320 50 50) reaches outside 0..1")]
    [InlineData("0 0.5 0.5 0.2 0.2\n", null, true, "train/images/b.jpg: not a readable image")]
    [InlineData("0 0.5 0.5 0.2 0.2\n", "names:\n  - person\n  - phone\n  - person\n", false, "data.yaml:6: class name 'person' appears twice")]
    public async Task A_bad_file_refuses_the_whole_set_naming_the_file_line_and_reason(string labels, string? names, bool corruptImage, string expected)
    {
        var (_, camera) = await sets.SiteAsync("bad");
        string dir = names is null ? SetWith(labels, corruptImage: corruptImage) : SetWith(labels, names, corruptImage);
        try
        {
            var refused = await Assert.ThrowsAsync<DatasetRefusedException>(() => sets.ImportAsync(dir, camera, heldBack: false));
            Assert.Contains(refused.Problems, p => p.StartsWith(expected, StringComparison.Ordinal));
            await using var db = sets.Database.NewContext();
            Assert.False(await db.LabelledFrames.AnyAsync(f => f.Camera.Key == camera)); // not even a.jpg, which was fine
            Assert.False(Directory.Exists(Path.Combine(sets.Training.Path, "imported", camera)));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public async Task A_folder_without_images_is_refused()
    {
        var (_, camera) = await sets.SiteAsync("empty");
        using var dir = new TestData.TempFolder();
        File.WriteAllText(dir.File("classes.txt"), "person\n");
        var refused = await Assert.ThrowsAsync<DatasetRefusedException>(() => sets.ImportAsync(dir.Path, camera, heldBack: false));
        Assert.Contains(refused.Problems, p => p.Contains("no images"));
    }

    [Fact]
    public async Task Frames_under_a_valid_folder_are_held_back_and_the_rest_are_not()
    {
        var (_, camera) = await sets.SiteAsync("split");
        string dir = SetWith("1 0.5 0.5 0.2 0.2\n");
        Directory.Move(Path.Combine(dir, "train"), Path.Combine(dir, "valid"));
        Directory.CreateDirectory(Path.Combine(dir, "train", "images"));
        File.Copy(TestData.Coco("000000000572.jpg"), Path.Combine(dir, "train", "images", "c.jpg"));
        try
        {
            var summary = await sets.ImportAsync(dir, camera, heldBack: false);
            Assert.Equal((3, 2, 2), (summary.Frames, summary.HeldBack, summary.Boxes));
        }
        finally { Directory.Delete(dir, true); }
    }
}
