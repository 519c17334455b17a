using DeskVision.Store;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DeskVision.Web;

public static class Database
{
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
