using DeskVision.Tests.Fixtures;
using DeskVision.Tools;

namespace DeskVision.Tests.Faults;

/// <summary>
/// Mutated real snapshots and mutated standard/camera files, a fixed number with a fixed seed: each gives a result or
/// the clear rejection, never another exception, a hang or runaway memory. `deskvision fuzz` runs longer with any seed.
/// </summary>
public sealed class FuzzTests
{
    [Fact]
    public void Mutated_snapshots_are_decoded_or_rejected_with_a_reason()
    {
        var photos = Directory.GetFiles(Path.Combine(TestData.Shared, "coco", "images")).Order().Take(5).Select(File.ReadAllBytes).ToList();
        var report = FuzzCommand.Images(1500, seed: 20261124, photos);
        Assert.Empty(report.Crashes);
        Assert.True(report.Rejected > 300 && report.Accepted > 100, $"accepted {report.Accepted}, rejected {report.Rejected}: the mutations should exercise both");
        Assert.True(report.Slowest < TimeSpan.FromSeconds(10), $"one input took {report.Slowest}");
        Assert.True(report.PeakMb < 4000, $"peak working set {report.PeakMb} MB");
    }

    [Fact]
    public void Mutated_standard_and_camera_files_load_or_fail_with_file_line_and_field()
    {
        var report = FuzzCommand.Configs(1500, seed: 20261124, File.ReadAllText(TestData.StandardFile), File.ReadAllText(TestData.ExampleCamera),
            File.ReadAllLines(Path.Combine(TestData.Shared, "coco", "classes.txt")).Where(l => l.Length > 0).ToArray());
        Assert.Empty(report.Crashes);
        // Most text mutations break a file, but some must get through: otherwise the loaders are not being exercised.
        Assert.True(report.Rejected > 100 && report.Accepted > 50, $"accepted {report.Accepted}, rejected {report.Rejected}");
    }
}
