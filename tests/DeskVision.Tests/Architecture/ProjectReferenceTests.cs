using System.Xml.Linq;
using DeskVision.Tests.Fixtures;

namespace DeskVision.Tests.Architecture;

/// <summary>
/// The projects reference each other one way, by pipeline stage (docs/architecture.md):
/// Domain ← Ingest, Detectors, Training, Scoring ← Audits (with Store) ← Web; Tools beside, referenced by nothing but the
/// tests. Read from the .csproj files that exist, so a project added later is checked as soon as it is there.
/// </summary>
public sealed class ProjectReferenceTests
{
    private static readonly string[] Stages = ["Domain", "Ingest", "Detectors", "Training", "Scoring"];

    /// <summary>What each project may reference. A project missing here fails <see cref="Every_project_has_its_place_in_the_picture"/>.</summary>
    private static readonly Dictionary<string, string[]> MayReference = new()
    {
        ["Domain"] = [],
        ["Ingest"] = ["Domain"],
        ["Detectors"] = ["Domain"],
        ["Training"] = ["Domain", "Detectors"],
        ["Scoring"] = ["Domain"],
        ["Store"] = ["Domain"],
        ["Audits"] = [.. Stages, "Store"],
        ["Web"] = [.. Stages, "Store", "Audits"],
        ["Tools"] = [.. Stages, "Store", "Audits", "Web"],
        ["DeskVision.Tests"] = [.. Stages, "Store", "Audits", "Web", "Tools"],
    };

    /// <summary>Each project (named by its folder) and the projects it references.</summary>
    private static readonly Dictionary<string, string[]> References = ReadProjects();

    [Fact]
    public void The_projects_are_read_from_the_checkout()
    {
        // Guards the test itself: an empty or wrong read would make every rule below pass.
        Assert.Contains("Audits", References["Web"]);
        Assert.Contains("Domain", References["Scoring"]);
        Assert.Empty(References["Domain"]);
    }

    [Fact]
    public void Every_project_has_its_place_in_the_picture()
    {
        var unplaced = References.Keys.Where(p => !MayReference.ContainsKey(p)).ToList();
        Assert.True(unplaced.Count == 0, $"add {string.Join(", ", unplaced)} to MayReference and to docs/architecture.md");
    }

    [Fact]
    public void Every_project_references_only_the_stages_before_it()
    {
        var wrong = References.Where(p => MayReference.ContainsKey(p.Key))
            .SelectMany(p => p.Value.Where(r => !MayReference[p.Key].Contains(r)).Select(r => $"{p.Key} -> {r}")).ToList();
        Assert.True(wrong.Count == 0, $"references against the one way: {string.Join("; ", wrong)}");
    }

    [Fact]
    public void Store_does_not_reference_Scoring()
    {
        // The records both need (the camera layout and what it carries) are Domain's.
        Assert.DoesNotContain("Scoring", References["Store"]);
    }

    [Fact]
    public void Nothing_but_the_tests_references_Tools_or_Web()
    {
        var users = References.Where(p => p.Key != "DeskVision.Tests" && p.Key != "Tools" && p.Value.Any(r => r is "Tools" or "Web")).Select(p => p.Key).ToList();
        Assert.Empty(users);
        Assert.DoesNotContain("Tools", References["Web"]);
    }

    private static Dictionary<string, string[]> ReadProjects()
    {
        var files = Directory.EnumerateDirectories(TestData.Root)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.csproj"))
            .Concat(Directory.EnumerateFiles(Path.Combine(TestData.Root, "tests"), "*.csproj", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Distinct();
        return files.ToDictionary(Name, f => XDocument.Load(f).Descendants("ProjectReference")
            .Select(r => Name(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(f)!, r.Attribute("Include")!.Value.Replace('\\', '/')))))
            .ToArray());
    }

    // The folder a project is in names it (Domain/DeskVision.Domain.csproj is "Domain"); the tests' folder is its own name.
    private static string Name(string csproj) => Path.GetFileName(Path.GetDirectoryName(csproj)!);
}
