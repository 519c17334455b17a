using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace DeskVision.Training;

/// <summary>
/// Reads a YOLO data set: images, one <c>class cx cy w h</c> txt per image (normalised; no file means no objects).
/// Class ids index the base model's classes, unless a names file gives them another list: then a name the base model
/// knows (exact name, no aliases) keeps its class and a new name becomes a new class after the base classes.
/// Everything is checked before anything is returned: bad input throws <see cref="DatasetException"/>.
/// </summary>
public static class YoloDataset
{
    public static readonly IReadOnlyList<string> ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".webp"];

    /// <summary>Boxes may poke this far past an edge (rounding in labelling tools); they are clipped.</summary>
    private const float EdgeTolerance = 1e-3f;

    public static TrainingSet Load(string imagesDir, string labelsDir, IReadOnlyList<string> baseClassNames, string? namesFile)
    {
        if (!Directory.Exists(imagesDir)) throw new DatasetException(imagesDir, null, "images folder not found");
        if (!Directory.Exists(labelsDir)) throw new DatasetException(labelsDir, null, "labels folder not found");
        if (namesFile is not null && !File.Exists(namesFile)) throw new DatasetException(namesFile, null, "names file not found");

        string? names = namesFile ?? FindNamesFile(labelsDir);
        IReadOnlyList<string> fileClasses = names is null ? baseClassNames : ReadNames(names);
        var (classNames, newNames, toModel) = MapClasses(fileClasses, baseClassNames);

        var imagePaths = Directory.EnumerateFiles(imagesDir)
            .Where(p => ImageExtensions.Contains(Path.GetExtension(p).ToLowerInvariant()))
            .Order(StringComparer.Ordinal).ToList();
        if (imagePaths.Count == 0)
            throw new DatasetException(imagesDir, null, $"no images ({string.Join(", ", ImageExtensions)}): the set is empty");

        var images = new List<LabelledImage>(imagePaths.Count);
        foreach (string imagePath in imagePaths)
        {
            if (ImageCheck.Problem(imagePath) is string problem) throw new DatasetException(imagePath, null, problem);
            string labelPath = Path.Combine(labelsDir, Path.GetFileNameWithoutExtension(imagePath) + ".txt");
            bool hasLabels = File.Exists(labelPath);
            var boxes = hasLabels ? ReadLabels(labelPath, fileClasses, toModel, names) : [];
            images.Add(new LabelledImage(imagePath, hasLabels ? labelPath : null, boxes,
                TrainValSplit.CameraOf(Path.GetFileName(imagePath))));
        }

        if (images.All(i => i.LabelPath is null))
            throw new DatasetException(labelsDir, null, $"no label file matches an image of {imagesDir} (expected <image name>.txt)");
        if (images.All(i => i.Boxes.Count == 0))
            throw new DatasetException(labelsDir, null, "no boxes in any label file: nothing to learn");

        // With a names file every class it lists is labelled (an image without one has none); without, the set
        // labels the base classes it uses.
        IReadOnlySet<int> labelled = names is null
            ? images.SelectMany(i => i.Boxes).Select(b => b.ClassId).ToHashSet()
            : toModel.ToHashSet();
        return new TrainingSet(images, classNames, labelled, newNames) { NamesFile = names };
    }

    /// <summary>
    /// <c>classes.txt</c> or <c>data.yaml</c> in the labels folder, or beside it when it is called <c>labels</c> (the
    /// usual <c>set/labels</c>, <c>set/train/labels</c> layouts). A folder with another name, such as
    /// <c>office/labels-coco</c>, is a relabelling whose ids need not follow its parent's names, so it is not looked past.
    /// </summary>
    public static string? FindNamesFile(string labelsDir)
    {
        var dir = new DirectoryInfo(Path.GetFullPath(labelsDir));
        var places = new List<DirectoryInfo> { dir };
        if (dir.Name.Equals("labels", StringComparison.OrdinalIgnoreCase) && dir.Parent is { } parent)
        {
            places.Add(parent);
            if (parent.Name.ToLowerInvariant() is "train" or "valid" or "val" or "test" && parent.Parent is { } root) places.Add(root);
        }
        foreach (var place in places)
            foreach (string name in new[] { "classes.txt", "data.yaml", "data.yml" })
            {
                string path = Path.Combine(place.FullName, name);
                if (File.Exists(path)) return path;
            }
        return null;
    }

    /// <summary>Class names from a <c>classes.txt</c> (one a line) or a YOLO <c>data.yaml</c> (<c>names:</c> list or id map).</summary>
    public static IReadOnlyList<string> ReadNames(string path)
    {
        string ext = Path.GetExtension(path).ToLowerInvariant();
        var names = ext is ".yaml" or ".yml" ? ReadYamlNames(path) : ReadTextNames(path);
        if (names.Count == 0) throw new DatasetException(path, null, "no class names");
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, line) in names)
        {
            if (name.Length == 0) throw new DatasetException(path, line, "empty class name");
            if (!seen.TryAdd(name, line)) throw new DatasetException(path, line, $"duplicate class name '{name}' (first on line {seen[name]})");
        }
        return names.Select(n => n.Name).ToList();
    }

    private static List<(string Name, int Line)> ReadTextNames(string path)
    {
        var names = new List<(string, int)>();
        int lineNo = 0;
        foreach (string line in File.ReadLines(path))
        {
            lineNo++;
            string name = line.Trim();
            if (name.Length > 0) names.Add((name, lineNo));
        }
        return names;
    }

    private static List<(string Name, int Line)> ReadYamlNames(string path)
    {
        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new DatasetException(path, (int)e.Start.Line, $"not valid YAML: {e.Message}");
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new DatasetException(path, null, "not a YOLO data.yaml (expected a mapping with 'names')");
        if (!root.Children.TryGetValue(new YamlScalarNode("names"), out var namesNode))
            throw new DatasetException(path, null, "no 'names' in the data.yaml: list the class names in id order");

        var names = new List<(string, int)>();
        switch (namesNode)
        {
            case YamlSequenceNode list:
                foreach (var item in list)
                    names.Add((Scalar(path, item), Line(item)));
                break;
            case YamlMappingNode map:
                // names: {0: person, 1: phone-in-use}: ids must run 0, 1, 2, ... without gaps.
                int expected = 0;
                foreach (var (key, value) in map.Children)
                {
                    if (!int.TryParse(Scalar(path, key), NumberStyles.None, CultureInfo.InvariantCulture, out int id) || id != expected)
                        throw new DatasetException(path, Line(key), $"'names' ids must run 0, 1, 2, ...; expected {expected}, got '{Scalar(path, key)}'");
                    names.Add((Scalar(path, value), Line(value)));
                    expected++;
                }
                break;
            default:
                throw new DatasetException(path, Line(namesNode), "'names' must be a list or an id: name map");
        }
        if (root.Children.TryGetValue(new YamlScalarNode("nc"), out var ncNode)
            && int.TryParse(Scalar(path, ncNode), CultureInfo.InvariantCulture, out int nc) && nc != names.Count)
            throw new DatasetException(path, Line(ncNode), $"nc is {nc} but 'names' lists {names.Count} classes");
        return names;
    }

    private static string Scalar(string path, YamlNode node) => node is YamlScalarNode { Value: { } v }
        ? v.Trim() : throw new DatasetException(path, Line(node), "expected a plain name");

    private static int Line(YamlNode node) => (int)node.Start.Line;

    private static (IReadOnlyList<string> ClassNames, IReadOnlyList<string> NewNames, int[] ToModel) MapClasses(
        IReadOnlyList<string> fileClasses, IReadOnlyList<string> baseClasses)
    {
        if (ReferenceEquals(fileClasses, baseClasses))
            return (baseClasses, [], [.. Enumerable.Range(0, baseClasses.Count)]);
        var all = baseClasses.ToList();
        var newNames = new List<string>();
        var toModel = new int[fileClasses.Count];
        for (int i = 0; i < fileClasses.Count; i++)
        {
            int known = all.IndexOf(fileClasses[i]);
            if (known >= 0 && known < baseClasses.Count) { toModel[i] = known; continue; }
            toModel[i] = all.Count;
            all.Add(fileClasses[i]);
            newNames.Add(fileClasses[i]);
        }
        return (all, newNames, toModel);
    }

    private static List<LabelBox> ReadLabels(string path, IReadOnlyList<string> fileClasses, int[] toModel, string? namesFile)
    {
        var boxes = new List<LabelBox>();
        int lineNo = 0;
        foreach (string raw in File.ReadLines(path))
        {
            lineNo++;
            var parts = raw.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            if (parts.Length != 5)
                throw new DatasetException(path, lineNo, parts.Length > 5
                    ? $"{parts.Length} fields; expected 5 (class cx cy w h): segment polygons are not supported"
                    : $"{parts.Length} fields; expected 5 (class cx cy w h)");
            if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int cls))
                throw new DatasetException(path, lineNo, $"class '{parts[0]}' is not a whole number");
            if (cls >= fileClasses.Count)
                throw new DatasetException(path, lineNo, namesFile is null
                    ? $"class {cls} is outside the base model's {fileClasses.Count} classes (0..{fileClasses.Count - 1})"
                    : $"class {cls} is outside the {fileClasses.Count} names of {namesFile} (0..{fileClasses.Count - 1})");
            var v = new float[4];
            string[] fields = ["cx", "cy", "w", "h"];
            for (int k = 0; k < 4; k++)
                if (!float.TryParse(parts[k + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out v[k]) || !float.IsFinite(v[k]))
                    throw new DatasetException(path, lineNo, $"{fields[k]} '{parts[k + 1]}' is not a number");
            float cx = v[0], cy = v[1], w = v[2], h = v[3];
            if (w <= 0 || h <= 0) throw new DatasetException(path, lineNo, $"box has no size (w {w}, h {h})");
            float x1 = cx - w / 2, y1 = cy - h / 2, x2 = cx + w / 2, y2 = cy + h / 2;
            if (x1 < -EdgeTolerance || y1 < -EdgeTolerance || x2 > 1 + EdgeTolerance || y2 > 1 + EdgeTolerance)
                throw new DatasetException(path, lineNo,
                    $"box outside the image: edges {x1:0.###}..{x2:0.###}, {y1:0.###}..{y2:0.###} must lie in 0..1 (values are normalised)");
            x1 = Math.Max(0, x1); y1 = Math.Max(0, y1); x2 = Math.Min(1, x2); y2 = Math.Min(1, y2);
            boxes.Add(new LabelBox(toModel[cls], (x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1));
        }
        return boxes;
    }
}
