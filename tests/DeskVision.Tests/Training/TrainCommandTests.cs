using DeskVision.Tests.Fixtures;
using DeskVision.Training;

namespace DeskVision.Tests.Training;

/// <summary>The <c>train</c> command as a site's engineer runs it: a real deskvision process.</summary>
public sealed class TrainCommandTests
{
    [Fact]
    public async Task Help_lists_train()
    {
        using var p = new DeskVisionProcess("help", new Dictionary<string, string>(), "--help");
        Assert.Equal(0, await p.WaitForExitAsync(TimeSpan.FromMinutes(1)));
        Assert.Contains(p.Output, l => l.TrimStart().StartsWith("train --images DIR --labels DIR", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_label_line_with_four_numbers_stops_train_with_one_line_naming_file_and_line_and_writes_nothing()
    {
        using var set = TrainingData.OfficeCopy(4);
        string label = Directory.GetFiles(set.File("labels")).Order(StringComparer.Ordinal).Last();
        int line = File.ReadAllLines(label).Length + 1;
        File.AppendAllText(label, "56 0.5 0.5 0.2\n");
        string output = set.File("model.onnx");

        using var p = new DeskVisionProcess("train", new Dictionary<string, string>(),
            "train", "--images", set.File("images"), "--labels", set.File("labels"), "--base", "n", "--out", output);
        int exit = await p.WaitForExitAsync(TimeSpan.FromMinutes(2));

        Assert.NotEqual(0, exit);
        var error = Assert.Single(p.Output, l => l.StartsWith("deskvision train:", StringComparison.Ordinal));
        Assert.Contains($"{label}:{line}:", error);
        Assert.False(File.Exists(output));
        Assert.False(Directory.Exists(output + ".train"));
    }

    [Fact]
    public async Task An_unknown_base_model_file_is_refused_and_nothing_is_written()
    {
        using var set = TrainingData.OfficeCopy(4);
        string output = set.File("model.onnx");
        using var p = new DeskVisionProcess("train", new Dictionary<string, string>(),
            "train", "--images", set.File("images"), "--labels", set.File("labels"), "--base", set.File("missing.onnx"), "--out", output);
        Assert.NotEqual(0, await p.WaitForExitAsync(TimeSpan.FromMinutes(2)));
        Assert.Contains(p.Output, l => l.StartsWith("deskvision train:", StringComparison.Ordinal) && l.Contains("missing.onnx") && l.Contains("not found"));
        Assert.False(File.Exists(output));
    }
}
