using System.Collections.Concurrent;
using System.Diagnostics;

namespace DeskVision.Tests.Fixtures;

/// <summary>A real <c>deskvision serve</c> or <c>worker</c> (or <c>deskvision-tools</c>) process, as the README starts them, for end-to-end tests.</summary>
public sealed class DeskVisionProcess : IDisposable
{
    private readonly Process _process;
    public ConcurrentQueue<string> Output { get; } = new();
    public string Name { get; }

    public DeskVisionProcess(string name, IReadOnlyDictionary<string, string> environment, params string[] args)
        : this("deskvision.dll", name, environment, args) { }

    /// <summary>A <c>deskvision-tools</c> command (bench, bench-pages, soak, ...).</summary>
    public static DeskVisionProcess Tool(string name, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        new("deskvision-tools.dll", name, environment, args);

    private DeskVisionProcess(string program, string name, IReadOnlyDictionary<string, string> environment, string[] args)
    {
        Name = name;
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment["DESKVISION_ROOT"] = TestData.Root;
        foreach (var (k, v) in environment) psi.Environment[k] = v;
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Output.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>
    /// Time for a web or worker process to start: it needs 7-8 s of CPU (migrations, model, standard, Hangfire schema), which
    /// took 90-137 s at load 35-53 on the shared 2-core machine. Generous, since how long a start takes is not what the tests check.
    /// </summary>
    public static readonly TimeSpan StartUp = TimeSpan.FromSeconds(180);

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>Waits for a line of output containing <paramref name="text"/>; fails with the output so far if the process dies or time runs out.</summary>
    public async Task<string> WaitForAsync(string text, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            var line = Output.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
            if (line is not null) return line;
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) before '{text}':\n{Tail()}");
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Name} did not print '{text}' in {timeout.TotalSeconds} s ({Effort()}):\n{Tail()}");
    }

    /// <summary>Waits for a command to finish; its exit code. Fails with the output so far if time runs out.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try { await _process.WaitForExitAsync(limit.Token); }
        catch (OperationCanceledException) { throw new TimeoutException($"{Name} did not finish in {timeout.TotalSeconds} s:\n{Tail()}"); }
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown, no chance to hand jobs back, as when a machine dies.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public string Tail(int lines = 40) => string.Join('\n', Output.TakeLast(lines));

    /// <summary>
    /// The CPU time the process had and the machine's load: a process that is starved on a loaded machine (CPU time
    /// still rising) reads differently from one that hangs (CPU time flat).
    /// </summary>
    private string Effort()
    {
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        try { return $"{_process.TotalProcessorTime.TotalSeconds:0.0} s of CPU, load average {load} on {Environment.ProcessorCount} cores"; }
        catch (InvalidOperationException) { return $"load average {load}"; }
    }

    public void Dispose()
    {
        if (!_process.HasExited) { _process.Kill(entireProcessTree: true); _process.WaitForExit(10_000); }
        _process.Dispose();
    }
}
