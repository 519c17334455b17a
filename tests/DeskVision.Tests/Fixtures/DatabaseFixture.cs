using DeskVision.Store;
using Microsoft.EntityFrameworkCore;
using DeskVision.Tools;

namespace DeskVision.Tests.Fixtures;

/// <summary>
/// A fresh database on the throw-away PostgreSQL that <c>./deskvision test</c> starts (DESKVISION_TEST_DB),
/// migrated once and dropped at the end. No database, no test: these tests fail loudly rather than skip.
/// </summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    private readonly string _server = Environment.GetEnvironmentVariable("DESKVISION_TEST_DB")
        ?? throw new InvalidOperationException("DESKVISION_TEST_DB is not set: run the tests with ./deskvision test, which starts a throw-away PostgreSQL");

    private ThrowAwayDatabase? _database;

    public string DatabaseName => Database.Name;

    public string ConnectionString => Database.ConnectionString;

    public DeskVisionDb NewContext() => new(DeskVisionDb.Options(ConnectionString));

    private ThrowAwayDatabase Database => _database ?? throw new InvalidOperationException("the test database is made in InitializeAsync");

    public async Task InitializeAsync()
    {
        _database = await ThrowAwayDatabase.CreateAsync(_server, "dv_test", keep: false, CancellationToken.None);
        await using var db = NewContext();
        await db.Database.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        if (_database is not null) await _database.DisposeAsync();
    }
}
