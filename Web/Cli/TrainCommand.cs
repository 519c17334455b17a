using DeskVision.Audits;
using DeskVision.Training;

namespace DeskVision.Web.Cli;

/// <summary>
/// <c>deskvision train --images DIR --labels DIR --base n|s|m|FILE.onnx --out FILE.onnx [--val-images DIR --val-labels DIR]
/// [--names FILE] [--epochs N] [--batch N] [--freeze N] [--lr X] [--seed N] [--threads N] [--resume]</c>: fine-tunes the
/// detector on the hall's own labelled frames (see <see cref="Trainer"/>).
/// </summary>
public static class TrainCommand
{
    public static int Run(CommandArgs args, CancellationToken cancel)
    {
        var options = Options(args);
        var printer = new TrainPrinter(Console.Error, !Console.IsErrorRedirected);
        TrainResult result;
        try
        {
            result = Trainer.Run(options, new SyncProgress<TrainProgress>(printer.Print), cancel);
        }
        catch (DatasetException e)
        {
            printer.EndLine();
            Console.Error.WriteLine($"deskvision train: {e.Message}");
            return 4;
        }
        catch (BaseModelException e)
        {
            printer.EndLine();
            Console.Error.WriteLine($"deskvision train: {e.Message}");
            return 3;
        }
        printer.EndLine();
        Print(result);
        return result.Cancelled ? 130 : 0;
    }

    public static TrainOptions Options(CommandArgs args)
    {
        string images = args.Get("images") ?? throw new UsageException("train: --images DIR is required");
        string labels = args.Get("labels") ?? throw new UsageException("train: --labels DIR is required");
        string output = args.Get("out") ?? throw new UsageException("train: --out FILE.onnx is required");
        if (!Directory.Exists(images)) throw new UsageException($"train: images folder '{images}' not found");
        if (!Directory.Exists(labels)) throw new UsageException($"train: labels folder '{labels}' not found");
        if ((args.Get("val-images") is null) != (args.Get("val-labels") is null))
            throw new UsageException("train: give --val-images and --val-labels together");
        if (args.Get("val-images") is { } vi && !Directory.Exists(vi)) throw new UsageException($"train: validation images folder '{vi}' not found");
        if (args.Get("val-labels") is { } vl && !Directory.Exists(vl)) throw new UsageException($"train: validation labels folder '{vl}' not found");
        if (args.Get("names") is { } names && !File.Exists(names)) throw new UsageException($"train: names file '{names}' not found");
        if (!output.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase)) throw new UsageException($"train: --out '{output}' should end in .onnx");
        int? epochs = args.GetInt("epochs"), batch = args.GetInt("batch"), freeze = args.GetInt("freeze");
        if (epochs is < 1) throw new UsageException("train: --epochs must be at least 1");
        if (batch is < 1) throw new UsageException("train: --batch must be at least 1");
        if (freeze is < 0 or > 22) throw new UsageException("train: --freeze must lie in 0..22 (10 = the backbone)");
        return new TrainOptions
        {
            Images = images, Labels = labels, Out = output,
            Base = args.Get("base") ?? Detectors.ModelFile.DefaultTier,
            ModelsFolder = ProjectPaths.Models,
            ValImages = args.Get("val-images"), ValLabels = args.Get("val-labels"), NamesFile = args.Get("names"),
            Epochs = epochs, Batch = batch, Freeze = freeze, LearningRate = args.GetFloat("lr"),
            Seed = args.GetInt("seed") ?? 0, Threads = args.GetInt("threads") ?? 0, Resume = args.Flag("resume"),
        };
    }

    private static void Print(TrainResult r)
    {
        Console.WriteLine($"{(r.Cancelled ? "stopped early; best so far" : "trained")}: {r.OutPath}");
        Console.WriteLine($"epochs {r.EpochsRun}, best epoch {r.BestEpoch}, {r.TrainImages} training and {r.ValImages} validation images, " +
            $"{r.Seconds / 60:0.0} min ({r.SecondsPerEpoch:0} s per epoch)");
        Console.WriteLine($"{"class",-16} {"stock AP50",10} {"trained AP50",12}");
        foreach (var c in r.BestClasses)
        {
            var stock = r.StockClasses.FirstOrDefault(s => s.ClassId == c.ClassId);
            Console.WriteLine($"{c.Label,-16} {stock?.AP50.ToString("0.000") ?? "-",10} {c.AP50,12:0.000}");
        }
        Console.WriteLine($"validation mAP50: stock {r.StockMap50:0.000}, trained {r.BestMap50:0.000}");
    }
}

/// <summary>Progress reported on the calling thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

/// <summary>A progress bar on a terminal; one line per epoch when the output is a file or a pipe.</summary>
public sealed class TrainPrinter(TextWriter output, bool terminal)
{
    private bool _open;

    public void Print(TrainProgress p)
    {
        string loss = $"box {p.Loss.Box:0.000} cls {p.Loss.Cls:0.000} dfl {p.Loss.Dfl:0.000}";
        if (p.Epoch == 0)
        {
            EndLine();
            output.WriteLine($"[train] {p.Note}; stock validation mAP50 {p.ValMap50:0.000}");
            return;
        }
        string eta = p.Remaining.TotalHours >= 1 ? p.Remaining.ToString(@"h\:mm\:ss") : p.Remaining.ToString(@"mm\:ss");
        if (p.ValMap50 is double map)
        {
            EndLine();
            output.WriteLine($"[train] epoch {p.Epoch}/{p.Epochs}  {loss}  val mAP50 {map:0.000} (best {p.BestMap50:0.000})  {p.SecondsPerEpoch:0} s/epoch  {eta} left");
        }
        else if (terminal)
        {
            const int width = 20;
            int filled = (int)Math.Round(width * (double)p.Step / p.Steps);
            output.Write($"\r[train] epoch {p.Epoch}/{p.Epochs} [{new string('#', filled)}{new string('.', width - filled)}] {p.Step}/{p.Steps}  {loss}  {eta} left ");
            _open = true;
        }
    }

    public void EndLine()
    {
        if (_open) output.WriteLine();
        _open = false;
    }
}
