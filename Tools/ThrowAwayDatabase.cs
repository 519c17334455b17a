using DeskVision.Store;
using Npgsql;

namespace DeskVision.Tools;

/// <summary>
/// A database of its own for a benchmark (on the DESKVISION_DB server) or a test class (on the tests' server): created
/// empty (the caller migrates it), dropped when disposed unless kept, so a benchmark never writes into the database
/// people use.
/// </summary>
public sealed class ThrowAwayDatabase : IAsyncDisposable
{
    private readonly string _server;
    private readonly bool _keep;

    public string Name { get; }
    public string ConnectionString { get; }

    private ThrowAwayDatabase(string server, string name, bool keep)
    {
        _server = server;
        _keep = keep;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>Creates <c>{prefix}_{pid}_{random}</c> (at most 40 characters); a server that refuses is a clear one-line error.</summary>
    public static async Task<ThrowAwayDatabase> CreateAsync(string server, string prefix, bool keep, CancellationToken ct)
    {
        var database = new ThrowAwayDatabase(server, $"{prefix}_{Environment.ProcessId}_{Guid.NewGuid():N}"[..40], keep);
        try
        {
            await using var admin = new NpgsqlConnection(server);
            await admin.OpenAsync(ct);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Name}\"", admin);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (NpgsqlException e)
        {
            var cs = new NpgsqlConnectionStringBuilder(server);
            throw new DatabaseUnavailableException($"PostgreSQL at {cs.Host}:{cs.Port}: could not create a throw-away database: {e.Message}", e);
        }
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        if (_keep) return;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_server);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
