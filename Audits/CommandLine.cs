using System.Runtime.InteropServices;
using DeskVision.Detectors;
using DeskVision.Scoring;
using DeskVision.Store;

namespace DeskVision.Audits;

/// <summary>How both programs (the product's <c>deskvision</c> and <c>deskvision-tools</c>) run one command.</summary>
public static class CommandLine
{
    /// <summary>The options that take no value.</summary>
    public static readonly IReadOnlySet<string> Flags = new HashSet<string> { "json", "store", "help", "scenarios", "tiled", "quick", "keep", "verbose", "skip-only", "spinning" };

    /// <summary>
    /// Runs <paramref name="run"/> with the command's name, its arguments and a token that Ctrl+C and SIGTERM cancel (so
    /// long commands clean up their throw-away databases and workers), except for the <paramref name="servers"/>, which
    /// stop themselves. A usage or configuration mistake is one line naming the file or server, not a stack trace.
    /// </summary>
    public static async Task<int> RunAsync(string program, string[] args, IReadOnlySet<string> servers, Func<string, CommandArgs, string[], CancellationToken, Task<int>> run)
    {
        string command = args.Length == 0 ? "help" : args[0];
        var rest = args.Skip(1).ToArray();
        using var cancel = new CancellationTokenSource();
        bool server = servers.Contains(command);
        Console.CancelKeyPress += (_, e) => { if (!server) { e.Cancel = true; cancel.Cancel(); } };
        using var terminate = server ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; cancel.Cancel(); });
        try
        {
            return await run(command, new CommandArgs(rest, Flags), rest, cancel.Token);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"{program}: {e.Message}");
            Console.Error.WriteLine($"run '{program} --help' for the commands");
            return 2;
        }
        catch (Exception e) when (e is ModelLoadException or ConfigException or DatabaseUnavailableException)
        {
            Console.Error.WriteLine($"{program}: {e.Message}");
            return 3;
        }
    }
}
