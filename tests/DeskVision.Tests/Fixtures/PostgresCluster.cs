using System.Diagnostics;

namespace DeskVision.Tests.Fixtures;

/// <summary>
/// A PostgreSQL server of the test's own (initdb in a temp folder, loopback, free port), for fault tests that stop
/// and start it without disturbing the shared test server. As root it runs as the postgres user (PostgreSQL refuses root).
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("deskvision-pg-").FullName;
    private readonly string _bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
        .Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderBy(d => d).LastOrDefault()
        ?? throw new InvalidOperationException("PostgreSQL server binaries not found under /usr/lib/postgresql (./deskvision installs them)");

    public int Port { get; } = LoopbackPorts.Unused();
    public string ConnectionString(string database = "postgres") => $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=3";

    private string Data => Path.Combine(_folder, "data");

    public static async Task<PostgresCluster> StartAsync()
    {
        var cluster = new PostgresCluster();
        if (Environment.UserName == "root")
        {
            Run("chmod", "755", cluster._folder);
            Run("chown", "postgres:postgres", cluster._folder);
        }
        cluster.AsPostgres("initdb", "-D", cluster.Data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8");
        await cluster.StartAgainAsync();
        return cluster;
    }

    public Task StartAgainAsync()
    {
        AsPostgres("pg_ctl", "-D", Data, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "30",
            "-o", $"-k {_folder} -p {Port} -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        return Task.CompletedTask;
    }

    /// <summary>Stops the server at once, as a crash or a network cut would: clients see their connections die.</summary>
    public void Stop() => AsPostgres("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");

    private void AsPostgres(string tool, params string[] args)
    {
        string exe = Path.Combine(_bin, tool);
        if (Environment.UserName == "root") Run("runuser", ["-u", "postgres", "--", exe, .. args]);
        else Run(exe, args);
    }

    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {err}");
    }


    public ValueTask DisposeAsync()
    {
        try { Stop(); } catch (InvalidOperationException) { }
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }
}
