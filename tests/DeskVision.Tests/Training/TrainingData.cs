using DeskVision.Tests.Fixtures;

namespace DeskVision.Tests.Training;

/// <summary>The shared labelled sets as a training run sees them, and small sets made from their real photos.</summary>
public static class TrainingData
{
    public static IReadOnlyList<string> CocoNames { get; } =
        [.. File.ReadAllLines(Path.Combine(TestData.Shared, "coco", "classes.txt")).Where(l => l.Length > 0)];

    public static string Office => Path.Combine(TestData.Shared, "office");
    public static string Desk => Path.Combine(TestData.Shared, "desk");

    /// <summary>A scratch set of the first <paramref name="count"/> office photos and their labels-coco files.</summary>
    public static TestData.TempFolder OfficeCopy(int count)
    {
        var folder = new TestData.TempFolder();
        Directory.CreateDirectory(folder.File("images"));
        Directory.CreateDirectory(folder.File("labels"));
        foreach (string image in Directory.GetFiles(Path.Combine(Office, "images")).Order(StringComparer.Ordinal).Take(count))
        {
            File.Copy(image, Path.Combine(folder.File("images"), Path.GetFileName(image)));
            string label = Path.Combine(Office, "labels-coco", Path.GetFileNameWithoutExtension(image) + ".txt");
            File.Copy(label, Path.Combine(folder.File("labels"), Path.GetFileName(label)));
        }
        return folder;
    }
}
