using DeskVision.Tools;
using DeskVision.Tests.Fixtures;

namespace DeskVision.Tests.Cameras;

/// <summary>The demo hall's pretend cameras: each is one real fixed camera of the shared sets, replayed in time order.</summary>
public class DemoCameraTests
{
    private static string Office(string camera) => Path.Combine(TestData.Shared, "office", "images", camera);

    [Fact]
    public void An_office_camera_serves_only_its_own_frames_in_the_order_it_took_them()
    {
        var frames = DemoCameras.Frames(Office("192-168-0-64_01_")).Select(Path.GetFileName).ToArray();

        Assert.Equal(5, frames.Length);
        Assert.All(frames, f => Assert.StartsWith("192-168-0-64_01_", f));
        // The time stamp follows the camera id: yyyyMMddHHmmss, then milliseconds.
        var taken = frames.Select(f => f!["192-168-0-64_01_".Length..][..14]).ToArray();
        Assert.Equal(taken.Order(StringComparer.Ordinal), taken);
    }

    [Fact]
    public void The_classroom_camera_serves_its_frames_by_frame_number_not_by_name()
    {
        var numbers = DemoCameras.Frames(Path.Combine(TestData.Shared, "desk", "images"))
            .Select(f => int.Parse(new string(Path.GetFileName(f).TakeWhile(char.IsAsciiDigit).ToArray()))).ToArray();

        Assert.Equal(24, numbers.Length);
        Assert.Equal(numbers.Order(), numbers); // "3, 6, 7, 22 ..." where name order would give "103, 106, ..., 22"
    }

    [Fact]
    public async Task Each_snapshot_request_gets_the_next_frame_and_the_first_again_after_the_last()
    {
        var expected = DemoCameras.Frames(Office("172-19-19-150_05_")).Select(File.ReadAllBytes).ToArray();
        await using var cameras = await DemoCameras.StartAsync(0, new Dictionary<string, string> { ["w"] = Office("172-19-19-150_05_") }, null, default);
        using var http = new HttpClient { BaseAddress = cameras.BaseUrl };

        var served = new List<byte[]>();
        for (int i = 0; i <= expected.Length; i++) served.Add(await http.GetByteArrayAsync("w/snapshot.jpg"));

        Assert.Equal(4, expected.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], served[i]);
        Assert.Equal(expected[0], served[^1]);
    }
}
