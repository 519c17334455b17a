using System.Diagnostics;
using System.Text;
using DeskVision.Ingest;
using DeskVision.Scoring;

namespace DeskVision.Tools;

/// <summary>What a fuzz run found: any crash (an exception other than the clear rejection) is a bug.</summary>
public sealed record FuzzReport(string Target, int Runs, int Accepted, int Rejected, IReadOnlyList<string> Crashes, TimeSpan Slowest, long PeakMb);

/// <summary>
/// <c>deskvision fuzz [--iterations N] [--seed S]</c>: mutated real JPEG/PNG snapshots through the decoder, mutated
/// standard and camera files through their loaders. Each input must give a result or the clear error (BadSnapshotException,
/// ConfigException), in bounded time and memory. The test suite runs a fixed number with a fixed seed; this runs longer.
/// </summary>
public static class FuzzCommand
{
    public static int Run(CommandArgs args)
    {
        int iterations = args.GetInt("iterations") ?? 20_000;
        int seed = args.GetInt("seed") ?? Environment.TickCount;
        Console.WriteLine($"fuzz: {iterations} inputs per target, seed {seed} (repeat with --seed {seed})");
        var images = Directory.GetFiles(Path.Combine(ProjectPaths.Root, "..", "shared", "testdata", "coco", "images")).Take(5).Select(File.ReadAllBytes).ToList();
        var reports = new[]
        {
            Images(iterations, seed, images, p => Console.Error.Write($"\r[fuzz] images {p}/{iterations}")),
            Configs(iterations, seed, File.ReadAllText(AppSettings.DefaultStandardFile), File.ReadAllText(Path.Combine(ProjectPaths.Sites, "example-camera.yaml")),
                CocoLabels(), p => Console.Error.Write($"\r[fuzz] configs {p}/{iterations}")),
        };
        Console.Error.WriteLine();
        foreach (var r in reports)
        {
            Console.WriteLine($"{r.Target}: runs={r.Runs} accepted={r.Accepted} rejected={r.Rejected} crashes={r.Crashes.Count} slowest_ms={r.Slowest.TotalMilliseconds:0} peak_mb={r.PeakMb}");
            foreach (string c in r.Crashes.Take(20)) Console.WriteLine($"  CRASH {c}");
        }
        return reports.All(r => r.Crashes.Count == 0) ? 0 : 1;
    }

    private static string[] CocoLabels() =>
        File.ReadAllLines(Path.Combine(ProjectPaths.Root, "..", "shared", "testdata", "coco", "classes.txt")).Where(l => l.Length > 0).ToArray();

    public static FuzzReport Images(int iterations, int seed, IReadOnlyList<byte[]> originals, Action<int>? progress = null)
    {
        var random = new Random(seed);
        return Drive("images", iterations, progress, i =>
        {
            byte[] input = MutateImage(originals[random.Next(originals.Count)], random);
            try
            {
                using var image = SnapshotImage.Decode(input);
                FrameCheck.ThrowIfBlack(image);
                return true;
            }
            catch (BadSnapshotException) { return false; }
        });
    }

    /// <param name="labels">The detector's class names, so an unmutated standard loads.</param>
    public static FuzzReport Configs(int iterations, int seed, string standard, string camera, IReadOnlyCollection<string> labels, Action<int>? progress = null)
    {
        var random = new Random(seed);
        return Drive("configs", iterations, progress, i =>
        {
            bool isStandard = i % 4 == 0; // the standard is large; most runs use the camera file
            string text = MutateText(isStandard ? standard : camera, random);
            try
            {
                if (isStandard) StandardFile.Parse("fuzz-standard.yaml", text, labels);
                else CameraFile.Parse("fuzz-camera.yaml", text);
                return true;
            }
            catch (ConfigException) { return false; }
        });
    }

    private static FuzzReport Drive(string target, int iterations, Action<int>? progress, Func<int, bool> one)
    {
        int accepted = 0, rejected = 0;
        var crashes = new List<string>();
        var slowest = TimeSpan.Zero;
        long peak = 0;
        for (int i = 0; i < iterations; i++)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                if (one(i)) accepted++; else rejected++;
            }
            catch (Exception e)
            {
                crashes.Add($"input {i}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            }
            if (clock.Elapsed > slowest) slowest = clock.Elapsed;
            if (i % 200 == 0)
            {
                peak = Math.Max(peak, Environment.WorkingSet / 1024 / 1024);
                progress?.Invoke(i);
            }
        }
        return new FuzzReport(target, iterations, accepted, rejected, crashes, slowest, Math.Max(peak, Environment.WorkingSet / 1024 / 1024));
    }

    private static byte[] MutateImage(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        switch (random.Next(7))
        {
            case 0: // flip a few bits anywhere
                for (int k = random.Next(1, 20); k > 0; k--) bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                break;
            case 1: // cut it short
                bytes = bytes.Take(random.Next(bytes.Count)).ToList();
                break;
            case 2: // absurd frame size in the JPEG header (a decompression bomb)
                int sof = original.AsSpan().IndexOf(new byte[] { 0xFF, 0xC0 });
                if (sof > 0 && sof + 9 < bytes.Count)
                {
                    bytes[sof + 5] = (byte)random.Next(256); bytes[sof + 6] = (byte)random.Next(256);
                    bytes[sof + 7] = (byte)random.Next(256); bytes[sof + 8] = (byte)random.Next(256);
                }
                break;
            case 3: // a chunk repeated
                int at = random.Next(bytes.Count), len = random.Next(1, 4096);
                bytes.InsertRange(random.Next(bytes.Count), bytes.Skip(at).Take(len).ToList());
                break;
            case 4: // random bytes behind a JPEG or PNG signature
                var noise = new byte[random.Next(0, 20_000)];
                random.NextBytes(noise);
                bytes = (random.Next(2) == 0 ? new byte[] { 0xFF, 0xD8, 0xFF } : new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }).Concat(noise).ToList();
                break;
            case 5: // overwrite a run with one value
                int from = random.Next(bytes.Count), count = Math.Min(bytes.Count - from, random.Next(1, 2000));
                byte value = (byte)random.Next(256);
                for (int k = 0; k < count; k++) bytes[from + k] = value;
                break;
            default: // nothing, or only the end marker kept
                if (random.Next(2) == 0) bytes = bytes.Take(random.Next(2, 600)).Concat(new byte[] { 0xFF, 0xD9 }).ToList();
                break;
        }
        return bytes.ToArray();
    }

    private static readonly string[] Tokens = [":", "- ", "[", "]", "{", "}", "&a ", "*a", "!!binary ", "'", "\"", "#", "\t", "~", "null", "1e309", "-0", "NaN", "\u0000", "…", "？", "\\"];

    private static string MutateText(string original, Random random)
    {
        var lines = original.Split('\n').ToList();
        for (int k = random.Next(1, 6); k > 0 && lines.Count > 0; k--)
        {
            int i = random.Next(lines.Count);
            switch (random.Next(5))
            {
                case 0: lines.RemoveAt(i); break;
                case 1: lines.Insert(i, lines[random.Next(lines.Count)]); break;
                case 2:
                    var sb = new StringBuilder(lines[i]);
                    sb.Insert(random.Next(sb.Length + 1), Tokens[random.Next(Tokens.Length)]);
                    lines[i] = sb.ToString();
                    break;
                case 3: if (lines[i].Length > 0) lines[i] = lines[i].Remove(random.Next(lines[i].Length), 1); break;
                default: lines[i] = new string(' ', random.Next(0, 6)) + lines[i].TrimStart(); break;
            }
        }
        return string.Join('\n', lines);
    }
}
