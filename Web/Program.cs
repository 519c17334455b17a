using DeskVision.Web.Cli;
using DeskVision.Web.Hosting;

return await CommandLine.RunAsync("deskvision", args, new HashSet<string> { "serve", "worker" }, async (command, options, rest, ct) => command switch
{
    "detect" => DetectCommand.Run(options),
    "eval" => EvalCommand.Run(options),
    "audit" => await AuditCommand.RunAsync(options, ct),
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
          worker                     a Hangfire worker without the web app (run several to scale out)
          detect IMAGE... [--json] [--min-confidence X] [--model n|s|m|PATH]
                                     objects found in each image
          audit IMAGE... --camera CAMERA.yaml [--json] [--store] [--model ...] [--standard FILE]
                                     violations and score of each image for that camera's zones
          eval --images DIR --labels DIR [--model ...] [--min-confidence X] [--operating X]
                                     precision, recall and AP@0.5 against YOLO-format labels
          bench, bench-pages, soak, fuzz, demo-camera, eval --scenarios
                                     the tools (deskvision-tools); ./deskvision runs them too
        settings (environment): DESKVISION_DB, DESKVISION_MODEL (n|s|m|PATH, default s),
          DESKVISION_STANDARD (standard file), DESKVISION_EVIDENCE (snapshot folder), DESKVISION_SITE
        """);
    return 0;
}
