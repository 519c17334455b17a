namespace DeskVision.Tests.Fixtures;

/// <summary>The project checkout and the shared test photos beside it (../shared/testdata).</summary>
public static class TestData
{
    public static string Root => DeskVision.Audits.ProjectPaths.Root;

    /// <summary>Beside the checkout; for a worktree one level further down (../../shared), the same shared folder.</summary>
    public static string Shared => new[] { Path.Combine(Root, "..", "shared", "testdata"), Path.Combine(Root, "..", "..", "shared", "testdata") }
        .Select(Path.GetFullPath).FirstOrDefault(Directory.Exists) ?? Path.GetFullPath(Path.Combine(Root, "..", "shared", "testdata"));

    public static string Coco(string name) => Path.Combine(Shared, "coco", "images", name);

    public static string StandardFile => Path.Combine(Root, "standards", "service-standard.yaml");

    /// <summary>A plain counter layout (counter, seat, customer side) without reference pictures.</summary>
    public static string ExampleCamera => Path.Combine(Root, "sites", "example-camera.yaml");

    public static string DemoCamera(int window) => Path.Combine(Root, "sites", "demo", "cameras", $"window-{window}.yaml");

    public static string ModelPath(string tier) => DeskVision.Detectors.ModelFile.Resolve(tier, Path.Combine(Root, "onnx-models"));

    /// <summary>A scratch folder, removed when disposed.</summary>
    public sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("deskvision-test-").FullName;
        public string File(string name) => System.IO.Path.Combine(Path, name);
        public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
    }
}
