using DeskVision.Store;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DeskVision.Tests.Fixtures;

/// <summary>
/// A fresh database on the throw-away PostgreSQL that <c>./deskvision test</c> starts (DESKVISION_TEST_DB),
/// migrated once and dropped at the end. No database, no test: these tests fail loudly rather than skip.
/// </summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    private readonly string _server = Environment.GetEnvironmentVariable("DESKVISION_TEST_DB")
        ?? throw new InvalidOperationException("DESKVISION_TEST_DB is not set: run the tests with ./deskvision test, which starts a throw-away PostgreSQL");

    public string DatabaseName { get; } = $"dv_test_{Guid.NewGuid():N}"[..24];

    public string ConnectionString => new NpgsqlConnectionStringBuilder(_server) { Database = DatabaseName }.ConnectionString;

    public DeskVisionDb NewContext() => new(DeskVisionDb.Options(ConnectionString));

    public async Task InitializeAsync()
    {
        await using (var admin = new NpgsqlConnection(_server))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{DatabaseName}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        await using var db = NewContext();
        await db.Database.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_server);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{DatabaseName}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
