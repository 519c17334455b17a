using DeskVision.Detectors;
using DeskVision.Scoring;
using DeskVision.Web;
using DeskVision.Web.Cli;
using DeskVision.Web.Hosting;

var flags = new HashSet<string> { "json", "store", "help", "scenarios", "tiled", "quick", "keep", "verbose", "skip-only", "spinning", "resume", "held-back" };
string command = args.Length == 0 ? "help" : args[0];
var rest = args.Skip(1).ToArray();
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { if (command is not ("serve" or "worker" or "demo-camera")) { e.Cancel = true; cancel.Cancel(); } };
// SIGTERM too (what `kill` and service managers send): the long commands then clean up (throw-away databases, workers).
using var terminate = command is "serve" or "worker" or "demo-camera" ? null
    : System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });
try
{
    return command switch
    {
        "detect" => DetectCommand.Run(new CommandArgs(rest, flags)),
        "eval" => EvalCommand.Run(new CommandArgs(rest, flags)),
        "train" => TrainCommand.Run(new CommandArgs(rest, flags), cancel.Token),
        "audit" => await AuditCommand.RunAsync(new CommandArgs(rest, flags), cancel.Token),
        "bench" => await BenchCommand.RunAsync(new CommandArgs(rest, flags), cancel.Token),
        "bench-pages" => await BenchPagesCommand.RunAsync(new CommandArgs(rest, flags), cancel.Token),
        "bench-train" => BenchTrainCommand.Run(new CommandArgs(rest, flags), cancel.Token),
        "serve" => await Hosts.ServeAsync(rest),
        "worker" => await Hosts.WorkerAsync(rest),
        "fuzz" => FuzzCommand.Run(new CommandArgs(rest, flags)),
        "soak" => await SoakCommand.RunAsync(new CommandArgs(rest, flags), cancel.Token),
        "demo-camera" => await DemoCameraCommand.RunAsync(new CommandArgs(rest, flags), cancel.Token),
        "dataset" => await DatasetCommand.RunAsync(new CommandArgs(rest, flags), cancel.Token),
        "bench-blur" => BenchBlurCommand.Run(new CommandArgs(rest, flags), cancel.Token),
        "help" or "--help" or "-h" => Help(),
        _ => throw new UsageException($"unknown command '{command}'"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"deskvision: {e.Message}");
    Console.Error.WriteLine("run 'deskvision --help' for the commands");
    return 2;
}
catch (Exception e) when (e is ModelLoadException or ConfigException or DatabaseUnavailableException)
{
    // One clear line naming the file or server and the problem; no stack trace for a configuration mistake.
    Console.Error.WriteLine($"deskvision: {e.Message}");
    return 3;
}

static int Help()
{
    Console.WriteLine("""
        deskvision: audit service-window camera snapshots against the 6S service standard

        commands (through ./deskvision, which installs, builds and starts the database first):
          up                         database, web app with a Hangfire server, demo cameras; prints the URL
          test                       the whole test suite against a throw-away database
          worker [--queues default,training]
                                     a Hangfire worker without the web app (run several to scale out); training jobs
                                     run only on a worker given the training queue
          soak [--cameras 200] [--every-seconds 10] [--minutes 10] [--workers 2] [--model n] [--keep]
                                     load test: pretend cameras, real workers, one job store; scheduled vs stored, delays, memory
          fuzz [--iterations N] [--seed S]
                                     mutated snapshots and config files through the decoder and loaders; any crash is a bug
          demo-camera [--port 5081] NAME=FOLDER...
                                     pretend HTTP cameras serving a folder's photos in turn (used by up)
          detect IMAGE... [--json] [--min-confidence X] [--model n|s|m|PATH]
                                     objects found in each image
          audit IMAGE... --camera CAMERA.yaml [--json] [--store] [--model ...] [--standard FILE]
                                     violations and score of each image for that camera's zones
          eval --images DIR --labels DIR [--model ...] [--min-confidence X] [--operating X]
                                     precision, recall and AP@0.5 against YOLO-format labels
          train --images DIR --labels DIR [--base n|s|m|FILE.onnx] --out FILE.onnx [--val-images DIR --val-labels DIR]
                [--names FILE] [--epochs N] [--batch N] [--freeze N] [--seed N] [--resume]
                                     fine-tune the detector on the hall's own labelled frames (YOLO txt), on the CPU;
                                     --names adds new classes; Ctrl-C keeps the best epoch; --resume continues a run
          bench [--model n|s|m] [--images DIR] [--runs N] [--audits N] [--quick]
                                     model alone against the whole stored audit, OpenCV DNN, throughput, memory
          bench-pages [--windows 20] [--days 365] [--runs 20] [--keep]
                                     page speed: a year of audits seeded in a throw-away database, every main page timed
          bench-train [--base n,s] [--sets office,desk] [--folds 3] [--only-fold I] [--epochs N] [--out DIR]
                                     training: stock against trained AP by camera-aware cross-validation, time, memory, forgetting
          bench-blur [--base n] [--epochs N] [--hold-out CAMERAS]
                                     what training on face-blurred frames costs: office/ trained plain and blurred, judged unblurred
          dataset export --site KEY --out DIR
                                     a site's done frames and labels as a YOLO data set (images/, labels/, classes.txt, data.yaml)
          dataset import DIR --camera KEY [--held-back]
                                     a YOLO export (CVAT, Label Studio, Roboflow) into a camera's labels; all or nothing
        settings (environment): DESKVISION_DB, DESKVISION_MODEL (n|s|m|PATH, default s),
          DESKVISION_STANDARD (standard file), DESKVISION_EVIDENCE (snapshot folder), DESKVISION_SITE
        """);
    return 0;
}
