using DeskVision.Web.Cli;
using DeskVision.Web.Hosting;

return await CommandLine.RunAsync("deskvision", args, new HashSet<string> { "serve", "worker" }, async (command, options, rest, ct) => command switch
{
    "detect" => DetectCommand.Run(options),
    "eval" => EvalCommand.Run(options),
    "train" => TrainCommand.Run(options, ct),
    "audit" => await AuditCommand.RunAsync(options, ct),
    "dataset" => await DatasetCommand.RunAsync(options, ct),
    "serve" => await Hosts.ServeAsync(rest),
    "worker" => await Hosts.WorkerAsync(rest),
    "help" or "--help" or "-h" => Help(),
    _ => throw new UsageException($"unknown command '{command}' (benchmarks, soak, fuzz and the demo camera are in deskvision-tools)"),
});

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
          dataset export --site KEY --out DIR
                                     a site's done frames and labels as a YOLO data set (images/, labels/, classes.txt, data.yaml)
          dataset import DIR --camera KEY [--held-back]
                                     a YOLO export (CVAT, Label Studio, Roboflow) into a camera's labels; all or nothing
          bench, bench-pages, bench-train, bench-blur, soak, fuzz, demo-camera, eval --scenarios
                                     the tools (deskvision-tools); ./deskvision runs them too
        settings (environment): DESKVISION_DB, DESKVISION_MODEL (n|s|m|PATH, default s),
          DESKVISION_STANDARD (standard file), DESKVISION_EVIDENCE (snapshot folder), DESKVISION_SITE
        """);
    return 0;
}
