using DeskVision.Tests.Fixtures;
using Npgsql;

namespace DeskVision.Tests.Pages;

/// <summary>
/// <c>deskvision bench-pages</c> end to end on a tiny hall, on the test server: it seeds, starts the web app, signs in,
/// times every page and prints them all, ends with its key=value line, and drops its database. The timings themselves
/// are the benchmark's business, not this test's.
/// </summary>
[Trait("Category", "Slow")]
public sealed class BenchPagesCommandTests
{
    [Fact]
    public async Task Bench_pages_times_every_page_of_a_small_hall_and_leaves_no_database_behind()
    {
        string server = Environment.GetEnvironmentVariable("DESKVISION_TEST_DB")
            ?? throw new InvalidOperationException("DESKVISION_TEST_DB is not set: run the tests with ./deskvision test");
        using var bench = DeskVisionProcess.Tool("bench-pages", new Dictionary<string, string> { ["DESKVISION_DB"] = server },
            "bench-pages", "--days", "3", "--windows", "2", "--runs", "1");
        int exit = await bench.WaitForExitAsync(TimeSpan.FromMinutes(4));
        var lines = bench.Output.ToList();
        Assert.True(exit == 0, $"bench-pages exited {exit}:\n{bench.Tail(60)}");

        // The table: one row per page between its header and the slowest page; the last line counts them.
        int header = lines.FindIndex(l => l.StartsWith("page ", StringComparison.Ordinal));
        int slowest = lines.FindIndex(l => l.StartsWith("slowest: ", StringComparison.Ordinal));
        Assert.True(header >= 0 && slowest > header, bench.Tail(60));
        var rows = lines[(header + 1)..slowest];
        var figures = lines.Last(l => l.StartsWith("pages=", StringComparison.Ordinal)).Split(' ').Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(rows.Count.ToString(), figures["pages"]);
        Assert.Equal("0", figures["failed"]);
        // 2 windows × 3 inspections on each of the last 3 days, today's only those already due.
        Assert.InRange(int.Parse(figures["audits"]), 2 * 2 * 3, 2 * 3 * 3);
        foreach (string page in new[] { "overview", "heatmap-hour", "density-png", "trends-52w", "monthly-html", "monthly-csv", "monthly-xlsx", "review", "my-desk", "daily", "api-audits" })
            Assert.Contains(rows, r => r.StartsWith(page + " ", StringComparison.Ordinal));

        await using var admin = new NpgsqlConnection(server);
        await admin.OpenAsync();
        await using var left = new NpgsqlCommand($"SELECT count(*) FROM pg_database WHERE datname LIKE 'deskvision_pages_{bench.Id}_%'", admin);
        Assert.Equal(0L, await left.ExecuteScalarAsync());
    }
}
