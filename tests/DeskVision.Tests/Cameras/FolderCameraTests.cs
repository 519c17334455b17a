using DeskVision.Ingest;
using DeskVision.Tests.Fixtures;

namespace DeskVision.Tests.Cameras;

/// <summary>A camera that pushes snapshots into a folder (FTP): the newest picture is the snapshot; silence is a failure.</summary>
public sealed class FolderCameraTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 30, 0, TimeSpan.Zero);

    private static void Put(TestData.TempFolder folder, string name, string photo, DateTimeOffset written)
    {
        File.Copy(TestData.Coco(photo), folder.File(name));
        File.SetLastWriteTimeUtc(folder.File(name), written.UtcDateTime);
    }

    [Fact]
    public async Task Newest_pushed_picture_is_the_snapshot()
    {
        using var folder = new TestData.TempFolder();
        Put(folder, "a.jpg", "000000000009.jpg", Now.AddMinutes(-3));
        Put(folder, "b.jpg", "000000000459.jpg", Now.AddMinutes(-1));
        Put(folder, "c.jpg", "000000000387.jpg", Now.AddMinutes(-2));
        var snapshot = await new FolderCamera(folder.Path, TimeSpan.FromMinutes(10)).TakeAsync("ftp-cam", Now, default);
        Assert.Equal(File.ReadAllBytes(TestData.Coco("000000000459.jpg")), snapshot.Image);
        Assert.Equal(Now.AddMinutes(-1), snapshot.TakenAt);
    }

    [Fact]
    public async Task Camera_that_stopped_pushing_fails_with_how_long_it_has_been_silent()
    {
        using var folder = new TestData.TempFolder();
        Put(folder, "old.jpg", "000000000009.jpg", Now.AddMinutes(-45));
        var e = await Assert.ThrowsAsync<BadSnapshotException>(() => new FolderCamera(folder.Path, TimeSpan.FromMinutes(10)).TakeAsync("ftp-cam", Now, default));
        Assert.Contains("45 min", e.Message);
    }

    [Fact]
    public async Task Empty_or_missing_folder_fails_with_a_clear_reason()
    {
        using var folder = new TestData.TempFolder();
        File.WriteAllText(folder.File("notes.txt"), "not a picture");
        var camera = new FolderCamera(folder.Path, TimeSpan.FromMinutes(10));
        Assert.Contains("no images", (await Assert.ThrowsAsync<BadSnapshotException>(() => camera.TakeAsync("ftp-cam", Now, default))).Message);
        var missing = new FolderCamera(folder.File("gone"), TimeSpan.FromMinutes(10));
        Assert.Contains("does not exist", (await Assert.ThrowsAsync<BadSnapshotException>(() => missing.TakeAsync("ftp-cam", Now, default))).Message);
    }
}
