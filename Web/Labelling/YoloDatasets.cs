using DeskVision.Audits;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DeskVision.Ingest;
using DeskVision.Store;
using DeskVision.Web.Audits;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Labelling;

/// <summary>A data set refused: every problem found, each with its file, line and reason. Nothing was written.</summary>
public sealed class DatasetRefusedException(IReadOnlyList<string> problems)
    : Exception($"data set refused, nothing imported ({problems.Count} problem(s)):\n  " + string.Join("\n  ", problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>What an export wrote.</summary>
public sealed record ExportSummary(string Folder, int TrainFrames, int ValFrames, int Boxes, IReadOnlyList<string> Classes, string DataHash);

/// <summary>What an import stored.</summary>
public sealed record ImportSummary(int Frames, int Boxes, int HeldBack, IReadOnlyList<string> Classes);

/// <summary>
/// The site's labels as a YOLO data set, the layout <c>deskvision train</c>, Ultralytics, CVAT, Label Studio and Roboflow
/// read: <c>images/{train,val}</c>, <c>labels/{train,val}</c> (<c>class cx cy w h</c>, normalised), <c>classes.txt</c> and
/// <c>data.yaml</c>. Held-back frames (split by camera and day when they were labelled) go to <c>val</c>. And back:
/// YOLO exports of those tools into a camera's labels, all or nothing.
/// </summary>
public static class YoloDatasets
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp"];
    private static readonly string[] ValidationFolders = ["val", "valid", "validation", "test"];

    /// <param name="includeHeldBack">False for training runs: the held-back frames judge the model and must never reach the trainer.</param>
    public static async Task<ExportSummary> ExportAsync(DeskVisionDb db, string siteKey, string outDir, EvidenceFolder evidence, TrainingFolder training,
        bool includeHeldBack, CancellationToken ct)
    {
        var site = await db.Sites.AsNoTracking().FirstOrDefaultAsync(s => s.Key == siteKey, ct)
            ?? throw new DatasetRefusedException([$"--site: no site '{siteKey}'"]);
        var frames = await TrainingFrames.LoadAsync(db, site.Id, evidence, training, includeHeldBack ? null : false, ct);
        if (frames.Count == 0) throw new DatasetRefusedException([$"site {siteKey}: no done frames with a picture to export"]);
        string target = Path.GetFullPath(outDir);
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new DatasetRefusedException([$"{target}: folder exists and is not empty"]);

        var classes = frames.SelectMany(f => f.Boxes).Select(b => b.ClassName).Distinct().Order(StringComparer.Ordinal).ToList();
        var index = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        // Written beside the target and renamed at the end: a failed export leaves no half data set.
        string temp = target.TrimEnd(Path.DirectorySeparatorChar) + $".part-{Environment.ProcessId}";
        if (Directory.Exists(temp)) Directory.Delete(temp, true);
        var hash = SHA256.Create();
        int boxes = 0;
        try
        {
            foreach (var f in frames)
            {
                string split = f.HeldBack ? "val" : "train", name = $"{f.CameraKey}_{f.Id}";
                Directory.CreateDirectory(Path.Combine(temp, "images", split));
                Directory.CreateDirectory(Path.Combine(temp, "labels", split));
                byte[] image = await File.ReadAllBytesAsync(f.ImagePath, ct);
                await File.WriteAllBytesAsync(Path.Combine(temp, "images", split, name + Path.GetExtension(f.ImagePath).ToLowerInvariant()), image, ct);
                var text = new StringBuilder();
                foreach (var (cls, b) in f.Boxes)
                {
                    double cx = (b.X1 + b.X2) / 2 / f.Width, cy = (b.Y1 + b.Y2) / 2 / f.Height, w = (b.X2 - b.X1) / f.Width, h = (b.Y2 - b.Y1) / f.Height;
                    text.Append(Inv, $"{index[cls]} {cx:0.######} {cy:0.######} {w:0.######} {h:0.######}\n");
                    boxes++;
                }
                await File.WriteAllTextAsync(Path.Combine(temp, "labels", split, name + ".txt"), text.ToString(), ct);
                hash.TransformBlock(SHA256.HashData(image), 0, 32, null, 0);
                byte[] labelBytes = Encoding.UTF8.GetBytes(text.ToString());
                hash.TransformBlock(labelBytes, 0, labelBytes.Length, null, 0);
            }
            await File.WriteAllLinesAsync(Path.Combine(temp, "classes.txt"), classes, ct);
            var yaml = new StringBuilder("# DeskVision labels of site ").Append(siteKey).Append(", exported ").Append(DateTimeOffset.UtcNow.ToString("u", Inv)).Append('\n')
                .Append("path: .\ntrain: images/train\nval: images/val\n").Append(Inv, $"nc: {classes.Count}\nnames:\n");
            for (int i = 0; i < classes.Count; i++) yaml.Append(Inv, $"  {i}: '{classes[i].Replace("'", "''")}'\n");
            await File.WriteAllTextAsync(Path.Combine(temp, "data.yaml"), yaml.ToString(), ct);
            hash.TransformFinalBlock([], 0, 0);
            if (Directory.Exists(target)) Directory.Delete(target);
            Directory.Move(temp, target);
        }
        catch
        {
            if (Directory.Exists(temp)) Directory.Delete(temp, true);
            throw;
        }
        return new ExportSummary(target, frames.Count(f => !f.HeldBack), frames.Count(f => f.HeldBack), boxes, classes, Convert.ToHexStringLower(hash.Hash!));
    }

    private sealed record ParsedFrame(string Image, string Relative, int Width, int Height, bool HeldBack, List<(string Cls, Box Box)> Boxes);

    /// <summary>Reads the whole set, refuses it with every problem found, or stores it in one transaction.</summary>
    /// <param name="heldBack">Hold back every frame (a set labelled to judge models); otherwise frames under a val/valid/test folder are held back.</param>
    public static async Task<ImportSummary> ImportAsync(DeskVisionDb db, string dir, string cameraKey, string by, TrainingFolder training, bool heldBack,
        DateTimeOffset now, CancellationToken ct)
    {
        string root = Path.GetFullPath(dir);
        if (!Directory.Exists(root)) throw new DatasetRefusedException([$"{root}: no such folder"]);
        var camera = await db.Cameras.AsNoTracking().FirstOrDefaultAsync(c => c.Key == cameraKey, ct)
            ?? throw new DatasetRefusedException([$"--camera: no camera '{cameraKey}'"]);
        var problems = new List<string>();
        var names = ReadNames(root, problems);
        var frames = new List<ParsedFrame>();
        var images = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(p => ImageExtensions.Contains(Path.GetExtension(p).ToLowerInvariant())).Order(StringComparer.Ordinal).ToList();
        if (images.Count == 0) problems.Add($"{root}: no images (.jpg, .jpeg, .png, .bmp) found");
        foreach (string image in images)
        {
            ct.ThrowIfCancellationRequested();
            string relative = Path.GetRelativePath(root, image);
            int width, height;
            try
            {
                using var mat = SnapshotImage.Decode(await File.ReadAllBytesAsync(image, ct));
                (width, height) = (mat.Width, mat.Height);
            }
            catch (BadSnapshotException e) { problems.Add($"{relative}: not a readable image: {e.Message}"); continue; }
            var boxes = new List<(string, Box)>();
            if (LabelFileFor(image) is { } labelFile && names is not null)
            {
                int lineNo = 0;
                foreach (string line in File.ReadLines(labelFile))
                {
                    lineNo++;
                    if (ParseLine(line, names, width, height) is { } parsed)
                    {
                        if (parsed.Problem is not null) problems.Add($"{Path.GetRelativePath(root, labelFile)}:{lineNo}: {parsed.Problem}");
                        else boxes.Add((parsed.Cls!, parsed.Box));
                    }
                }
            }
            bool valFolder = Path.GetDirectoryName(relative)!.Split(Path.DirectorySeparatorChar).Any(p => ValidationFolders.Contains(p.ToLowerInvariant()));
            frames.Add(new ParsedFrame(image, relative, width, height, heldBack || valFolder, boxes));
        }
        if (problems.Count > 0) throw new DatasetRefusedException(problems);

        // Pictures first (to a folder of this import), then every row in one SaveChanges (one transaction); a failure removes the pictures.
        string batch = $"{now.UtcDateTime:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}"[..24];
        string folder = Path.Combine("imported", cameraKey, batch);
        try
        {
            int n = 0;
            foreach (var f in frames)
            {
                string stored = await training.SaveAsync(await File.ReadAllBytesAsync(f.Image, ct), folder, $"{n++:00000}_{Path.GetFileName(f.Image)}", ct);
                db.LabelledFrames.Add(new LabelledFrame
                {
                    CameraId = camera.Id, ImagePath = stored, Width = f.Width, Height = f.Height, TakenAt = now, HeldBack = f.HeldBack,
                    DoneBy = by, DoneAt = now, ImportedFrom = f.Relative,
                    Labels = f.Boxes.Select(b => new FrameLabel
                    {
                        ClassName = b.Cls, X1 = b.Box.X1, Y1 = b.Box.Y1, X2 = b.Box.X2, Y2 = b.Box.Y2, Source = LabelSources.Imported, By = by, At = now,
                    }).ToList(),
                });
            }
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            string full = Path.Combine(training.Root, folder);
            if (Directory.Exists(full)) Directory.Delete(full, true);
            db.ChangeTracker.Clear();
            throw;
        }
        return new ImportSummary(frames.Count, frames.Sum(f => f.Boxes.Count), frames.Count(f => f.HeldBack), names ?? []);
    }

    /// <summary>The YOLO convention: <c>…/images/x.jpg</c> has <c>…/labels/x.txt</c>; CVAT's YOLO 1.1 keeps <c>x.txt</c> beside the image. None: no objects.</summary>
    private static string? LabelFileFor(string image)
    {
        string dir = Path.GetDirectoryName(image)!, stem = Path.GetFileNameWithoutExtension(image);
        var parts = dir.Split(Path.DirectorySeparatorChar);
        int at = Array.LastIndexOf(parts, "images");
        if (at >= 0)
        {
            parts[at] = "labels";
            string candidate = Path.Combine(string.Join(Path.DirectorySeparatorChar, parts), stem + ".txt");
            if (File.Exists(candidate)) return candidate;
        }
        string beside = Path.Combine(dir, stem + ".txt");
        return File.Exists(beside) ? beside : null;
    }

    private sealed record ParsedLine(string? Cls, Box Box, string? Problem);

    private static ParsedLine? ParseLine(string line, IReadOnlyList<string> names, int width, int height)
    {
        var f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (f.Length == 0) return null;
        ParsedLine Bad(string why) => new(null, default, why);
        if (f.Length != 5) return Bad($"expected 'class cx cy w h' (5 fields), got {f.Length}{(f.Length > 5 ? " (a polygon? export boxes, not segments)" : "")}");
        if (!int.TryParse(f[0], NumberStyles.Integer, Inv, out int cls)) return Bad($"class id '{f[0]}' is not a whole number");
        if (cls < 0 || cls >= names.Count) return Bad($"class id {cls} is outside the {names.Count} class names (0..{names.Count - 1})");
        var v = new double[4];
        for (int i = 0; i < 4; i++)
            if (!double.TryParse(f[i + 1], NumberStyles.Float, Inv, out v[i]) || !double.IsFinite(v[i])) return Bad($"'{f[i + 1]}' is not a number");
        var (cx, cy, w, h) = (v[0], v[1], v[2], v[3]);
        if (w <= 0 || h <= 0) return Bad($"box width and height must be above 0 (w {f[3]}, h {f[4]})");
        const double slack = 1e-3; // exporters round to 6 decimals
        if (cx - w / 2 < -slack || cy - h / 2 < -slack || cx + w / 2 > 1 + slack || cy + h / 2 > 1 + slack)
            return Bad($"box ({string.Join(' ', f[1..])}) reaches outside 0..1 (coordinates must be normalised to the image)");
        var box = new Box((float)Math.Max(0, (cx - w / 2) * width), (float)Math.Max(0, (cy - h / 2) * height),
            (float)Math.Min(width, (cx + w / 2) * width), (float)Math.Min(height, (cy + h / 2) * height));
        return new ParsedLine(names[cls], box, null);
    }

    /// <summary>Class names from <c>data.yaml</c> (Roboflow, Ultralytics), else <c>classes.txt</c> (Label Studio), else <c>obj.names</c> (CVAT).</summary>
    private static List<string>? ReadNames(string root, List<string> problems)
    {
        string yaml = Path.Combine(root, "data.yaml");
        List<(string Name, int Line)>? names = null;
        string? file = null;
        if (File.Exists(yaml)) { file = yaml; names = NamesFromYaml(yaml, problems); }
        else
            foreach (string candidate in new[] { "classes.txt", "obj.names" })
            {
                string path = Path.Combine(root, candidate);
                if (!File.Exists(path)) continue;
                file = path;
                names = File.ReadAllLines(path).Select((l, i) => (Name: l.Trim(), Line: i + 1)).Where(x => x.Name.Length > 0).ToList();
                break;
            }
        if (file is null) { problems.Add($"{root}: no class names: data.yaml, classes.txt or obj.names"); return null; }
        if (names is null) return null;
        if (names.Count == 0) { problems.Add($"{Path.GetFileName(file)}: no class names in it"); return null; }
        foreach (var dup in names.GroupBy(n => n.Name).Where(g => g.Count() > 1))
            problems.Add($"{Path.GetFileName(file)}:{dup.Skip(1).First().Line}: class name '{dup.Key}' appears twice (lines {string.Join(", ", dup.Select(d => d.Line))})");
        foreach (var bad in names.Where(n => n.Name.Length > 64))
            problems.Add($"{Path.GetFileName(file)}:{bad.Line}: class name longer than 64 characters");
        return names.Select(n => n.Name).ToList();
    }

    /// <summary>
    /// The <c>names:</c> entry of a data.yaml in the three forms tools write: an inline list <c>['a', 'b']</c>, a block
    /// list (<c>- a</c>), or a map (<c>0: a</c>). A small reader for this one key, not a YAML library.
    /// </summary>
    private static List<(string, int)>? NamesFromYaml(string path, List<string> problems)
    {
        var lines = File.ReadAllLines(path);
        string Unquote(string s)
        {
            s = s.Trim();
            if (s.Length >= 2 && (s[0] == '\'' && s[^1] == '\'' || s[0] == '"' && s[^1] == '"')) s = s[1..^1].Replace("''", "'");
            return s.Trim();
        }
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (!line.StartsWith("names:", StringComparison.Ordinal)) continue;
            string rest = line["names:".Length..].Trim();
            if (rest.StartsWith('['))
            {
                if (!rest.EndsWith(']')) { problems.Add($"data.yaml:{i + 1}: names: inline list must end on the same line with ]"); return null; }
                return SplitInline(rest[1..^1]).Select(n => (Unquote(n), i + 1)).ToList();
            }
            if (rest.Length > 0 && !rest.StartsWith('#')) { problems.Add($"data.yaml:{i + 1}: names: expected a list or a map of class names"); return null; }
            var result = new List<(string, int)>();
            for (int j = i + 1; j < lines.Length; j++)
            {
                string item = lines[j];
                if (item.Trim().Length == 0 || item.TrimStart().StartsWith('#')) continue;
                if (!char.IsWhiteSpace(item[0]) && !item.StartsWith('-')) break;
                string t = item.Trim();
                if (t.StartsWith('-')) { result.Add((Unquote(t[1..]), j + 1)); continue; }
                int colon = t.IndexOf(':');
                if (colon < 0 || !int.TryParse(t[..colon], NumberStyles.Integer, Inv, out int id))
                {
                    problems.Add($"data.yaml:{j + 1}: names: expected '- name' or 'N: name', got '{t}'");
                    return null;
                }
                if (id != result.Count) { problems.Add($"data.yaml:{j + 1}: names: class id {id} out of order (expected {result.Count})"); return null; }
                result.Add((Unquote(t[(colon + 1)..]), j + 1));
            }
            return result;
        }
        problems.Add("data.yaml: no names: entry");
        return null;
    }

    private static IEnumerable<string> SplitInline(string s)
    {
        var current = new StringBuilder();
        char quote = '\0';
        foreach (char c in s)
        {
            if (quote != '\0') { if (c == quote) quote = '\0'; current.Append(c); }
            else if (c is '\'' or '"') { quote = c; current.Append(c); }
            else if (c == ',') { yield return current.ToString(); current.Clear(); }
            else current.Append(c);
        }
        if (current.ToString().Trim().Length > 0) yield return current.ToString();
    }
}
