using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DeskVision.Store;

public static class Database
{
    /// <summary>
    /// The connection string with PostgreSQL's JIT compiler switched off for the session. JIT pays off for long analytic
    /// queries; the app's are short, but a page's roll-up with a subquery per audit is estimated costly enough to be
    /// compiled: a 52-week trend spent ~600 ms compiling and ~110 ms running (EXPLAIN ANALYZE on a year of 20 windows,
    /// PostgreSQL 15 with its default jit=on).
    /// </summary>
    public static string WithoutJit(string connectionString)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        if (cs.Options?.Contains("jit=", StringComparison.Ordinal) != true) cs.Options = $"{cs.Options} -c jit=off".Trim();
        return cs.ConnectionString;
    }

    /// <summary>Opens the database and applies pending migrations; a clear message when it cannot be reached.</summary>
    public static async Task<DeskVisionDb> OpenAsync(string connectionString, CancellationToken ct)
    {
        var db = new DeskVisionDb(DeskVisionDb.Options(connectionString));
        try
        {
            await db.Database.MigrateAsync(ct);
        }
        catch (Exception e) when (e is PostgresException || e.InnerException is PostgresException)
        {
            await db.DisposeAsync();
            throw new DatabaseUnavailableException($"database migration failed: {(e as PostgresException ?? e.InnerException)!.Message}", e);
        }
        catch (Exception e) when (e is NpgsqlException || e.InnerException is NpgsqlException)
        {
            await db.DisposeAsync();
            var cs = new NpgsqlConnectionStringBuilder(connectionString);
            throw new DatabaseUnavailableException($"PostgreSQL at {cs.Host}:{cs.Port} database '{cs.Database}' is not reachable: {(e.InnerException ?? e).Message}", e);
        }
        return db;
    }
}

public sealed class DatabaseUnavailableException(string message, Exception inner) : Exception(message, inner);
