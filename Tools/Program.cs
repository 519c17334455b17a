using DeskVision.Tools;

return await CommandLine.RunAsync("deskvision-tools", args, new HashSet<string> { "demo-camera" }, async (command, options, rest, ct) => command switch
{
    "bench" => await BenchCommand.RunAsync(options, ct),
    "bench-pages" => await BenchPagesCommand.RunAsync(options, ct),
    "soak" => await SoakCommand.RunAsync(options, ct),
    "fuzz" => FuzzCommand.Run(options),
    "demo-camera" => await DemoCameraCommand.RunAsync(options, ct),
    "eval" when options.Flag("scenarios") => ScenarioEval.Print(options.Positional.FirstOrDefault() ?? ScenarioEval.DefaultFolder, options.Get("model"), options.Flag("verbose")),
    "help" or "--help" or "-h" => Help(),
    _ => throw new UsageException($"unknown command '{command}' (the product's commands are in deskvision)"),
});

static int Help()
{
    Console.WriteLine("""
        deskvision-tools: what is not the product (benchmarks, load and fuzz tests, the demo camera)

        commands (through ./deskvision, which builds and starts the database first):
          soak [--cameras 200] [--every-seconds 10] [--minutes 10] [--workers 2] [--model n] [--keep]
                                     load test: pretend cameras, real workers, one job store; scheduled vs stored, delays, memory
          fuzz [--iterations N] [--seed S]
                                     mutated snapshots and config files through the decoder and loaders; any crash is a bug
          demo-camera [--port 5081] NAME=FOLDER...
                                     pretend HTTP cameras serving a folder's photos in turn (used by up)
          bench [--model n|s|m] [--images DIR] [--runs N] [--audits N] [--quick] [--skip-only] [--spinning]
                                     model alone against the whole stored audit, OpenCV DNN, throughput, memory
          bench-pages [--windows 20] [--days 365] [--runs 20] [--keep]
                                     page speed: a year of audits seeded in a throw-away database, every main page timed
          eval --scenarios [DIR] [--model ...] [--verbose]
                                     the reference checks' precision and recall on the scenario set (tests/scenarios)
        """);
    return 0;
}
