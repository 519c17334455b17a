using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using DeskVision.Store;
using DeskVision.Web.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Tools;

/// <summary>
/// <c>deskvision bench-pages [--windows 20] [--days 365] [--runs 20] [--keep]</c>: how fast the pages answer with a
/// year of audits. Seeds a hall (<see cref="YearOfAudits"/>) into a throw-away database on the DESKVISION_DB server,
/// starts <c>deskvision serve</c> on it as a process on a free loopback port (no jobs run in it, so nothing else
/// competes), signs in through the sign-in form as a manager and as a staff member, asks every page once to warm up,
/// then asks them all <c>runs</c> times round after round. Prints min, median and p95 per page, the slowest page, and
/// one key=value line last; exits 1 if any page did not answer 200.
/// </summary>
public static partial class BenchPagesCommand
{
    private sealed record PageRequest(string Name, string Who, string Path);

    private sealed record Result(PageRequest Page, double FirstMs, Stats Ms, long Bytes);

    public static async Task<int> RunAsync(CommandArgs args, CancellationToken ct)
    {
        int windows = args.GetInt("windows") ?? 20, days = args.GetInt("days") ?? 365, runs = args.GetInt("runs") ?? 20;
        if (windows < 1 || days < 1 || runs < 1) throw new UsageException("bench-pages: --windows, --days and --runs must be at least 1");
        string loadBefore = BenchCommand.LoadAverage();
        Progress($"{windows} windows × {days} days × 3 audits a day, {runs} runs per page, {Environment.ProcessorCount} cores, load {loadBefore}");

        var evidence = Directory.CreateTempSubdirectory("deskvision-bench-pages-");
        try
        {
            await using var database = await ThrowAwayDatabase.CreateAsync(AppSettings.ConnectionString(), "deskvision_pages", args.Flag("keep"), ct);
            Progress($"throw-away database {database.Name}{(args.Flag("keep") ? " (kept afterwards)" : "")}");
            var hall = await YearOfAudits.SeedAsync(database.ConnectionString, windows, days, evidence.FullName, Progress, ct);
            string password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
            var pages = await PagesAsync(database.ConnectionString, hall, password, ct);

            using var web = ServeProcess.Start(database.ConnectionString, evidence.FullName);
            var baseUrl = await web.WaitUntilUpAsync(TimeSpan.FromSeconds(90), ct);
            Progress($"web app up at {baseUrl} (pid {web.Id})");
            var clients = new Dictionary<string, HttpClient>
            {
                ["manager"] = await SignInAsync(baseUrl, "bench-manager", password, ct),
                ["staff"] = await SignInAsync(baseUrl, "bench-staff", password, ct),
            };
            try
            {
                var (results, failures) = await MeasureAsync(pages, clients, runs, ct);
                Report(hall.Totals, windows, runs, loadBefore, pages.Count, results, failures);
                if (failures.Count > 0) Console.Error.WriteLine($"[bench-pages] web app output:\n{web.Tail()}");
                return failures.Count == 0 ? 0 : 1;
            }
            finally
            {
                foreach (var client in clients.Values) client.Dispose();
            }
        }
        finally
        {
            try { evidence.Delete(recursive: true); } catch (IOException) { }
            Progress("done; throw-away database and evidence folder removed unless --keep");
        }
    }

    /// <summary>The accounts, and each main page with real ids of the seeded hall: the month before this one, a busy window.</summary>
    private static async Task<List<PageRequest>> PagesAsync(string connectionString, YearOfAudits hall, string password, CancellationToken ct)
    {
        await using var db = new DeskVisionDb(DeskVisionDb.Options(connectionString));
        var hasher = new PasswordHasher<UserAccount>();
        await Web.Accounts.Accounts.EnsureAsync(db, hasher, "bench-manager", "陈主任", Roles.Manager, password, null, [hall.SiteId], ct);
        await Web.Accounts.Accounts.EnsureAsync(db, hasher, "bench-staff", "张敏", Roles.Staff, password, hall.StaffIds[0], [], ct);

        var zone = TimeZoneInfo.FindSystemTimeZoneById(YearOfAudits.TimeZone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
        var thisMonth = new DateOnly(today.Year, today.Month, 1);
        // A whole month of data when the seeded days reach back that far; otherwise the month so far.
        var month = today.AddDays(1 - hall.Totals.Days) <= thisMonth.AddMonths(-1) ? thisMonth.AddMonths(-1) : thisMonth;
        int busy = hall.WindowIds.Length > 3 ? 3 : hall.WindowIds.Length - 1;
        int window = hall.WindowIds[busy], camera = hall.CameraIds[busy];
        long audit = await db.Audits.Where(a => a.CameraId == camera && a.Violations.Any()).OrderByDescending(a => a.TakenAt).Select(a => a.Id).FirstOrDefaultAsync(ct);
        if (audit == 0) audit = await db.Audits.Where(a => a.CameraId == camera).OrderByDescending(a => a.TakenAt).Select(a => a.Id).FirstAsync(ct);
        string cameraKey = await db.Cameras.Where(c => c.Id == camera).Select(c => c.Key).FirstAsync(ct);

        string site = Uri.EscapeDataString(hall.SiteKey), q = $"site={site}&month={month:yyyy-MM}";
        var first = today.AddDays(1 - hall.Totals.Days);
        return
        [
            new("overview", "manager", "/"),
            new("cameras", "manager", "/cameras"),
            new("window-timeline", "manager", $"/windows/{window}"),
            new("audit", "manager", $"/audits/{audit}"),
            new("review", "manager", $"/review/{audit}"),
            new("scorecard", "manager", $"/audits/{audit}/scorecard"),
            new("heatmap-hour", "manager", $"/heatmaps?{q}"),
            new("heatmap-day-score", "manager", $"/heatmaps?{q}&by=day&measure=score"),
            new("density-png", "manager", $"/heatmaps/density.png?{q}&window={window}"),
            new("heatmap-cell", "manager", $"/heatmaps/audits?{q}&window={window}&hour=10"),
            new("trends-52w", "manager", $"/trends?site={site}&weeks=52"),
            new("monthly-html", "manager", $"/reports/monthly?{q}"),
            new("monthly-csv", "manager", $"/reports/monthly.csv?{q}&table=windows"),
            new("monthly-xlsx", "manager", $"/reports/monthly.xlsx?{q}"),
            new("monthly-api", "manager", $"/api/reports/monthly?{q}"),
            new("daily", "manager", $"/reports/daily?site={site}&date={today.AddDays(-1):yyyy-MM-dd}"),
            new("appeals", "manager", "/appeals"),
            new("staff-page", "manager", $"/staff/{hall.StaffIds[busy]}?month={month:yyyy-MM}"),
            new("webhooks", "manager", $"/sites/{site}/webhooks"),
            new("zone-editor", "manager", $"/cameras/{Uri.EscapeDataString(cameraKey)}/zones"),
            new("api-audits", "manager", "/api/audits?limit=500"),
            new("api-appeals", "manager", "/api/appeals"),
            new("api-cameras", "manager", "/api/cameras"),
            new("api-rollup-window-year", "manager", $"/api/rollups/window?site={site}&from={first:yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}"),
            new("api-rollup-day", "manager", $"/api/rollups/day?{q}"),
            new("my-desk", "staff", "/me"),
            new("my-staff-page", "staff", $"/staff/{hall.StaffIds[0]}"),
            new("my-api-audits", "staff", "/api/audits?limit=500"),
        ];
    }

    /// <summary>One warm-up round (its times are the "first" column), then <paramref name="runs"/> rounds over every page in turn.</summary>
    private static async Task<(List<Result> Results, List<string> Failures)> MeasureAsync(List<PageRequest> pages, Dictionary<string, HttpClient> clients, int runs, CancellationToken ct)
    {
        var failures = new List<string>();
        var first = new Dictionary<PageRequest, double>();
        var bytes = new Dictionary<PageRequest, long>();
        foreach (var page in pages)
        {
            var (ms, size, problem) = await GetAsync(clients[page.Who], page.Path, ct);
            if (problem is not null) failures.Add($"{page.Name} ({page.Who}) GET {page.Path}: {problem}");
            first[page] = ms;
            bytes[page] = size;
        }
        Progress($"warm-up: {pages.Count} pages, {failures.Count} failed");
        var working = pages.Where(p => failures.All(f => !f.StartsWith(p.Name + " ", StringComparison.Ordinal))).ToList();

        // Round after round rather than one page N times: no page gets the caches all to itself.
        var timings = working.ToDictionary(p => p, _ => new List<double>());
        var clock = Stopwatch.StartNew();
        for (int run = 1; run <= runs; run++)
        {
            foreach (var page in working)
            {
                var (ms, _, problem) = await GetAsync(clients[page.Who], page.Path, ct);
                if (problem is not null) failures.Add($"{page.Name} ({page.Who}) GET {page.Path} (run {run}): {problem}");
                else timings[page].Add(ms);
            }
            if (run % 5 == 0 || run == runs) Progress($"run {run}/{runs} ({clock.Elapsed.TotalSeconds:0} s)");
        }
        var results = working.Where(p => timings[p].Count > 0).Select(p => new Result(p, first[p], Stats.Of(timings[p]), bytes[p])).ToList();
        return (results, failures);
    }

    /// <summary>The time until the whole body is read; a problem unless the answer is 200 (a redirect to the sign-in is one).</summary>
    private static async Task<(double Ms, long Bytes, string? Problem)> GetAsync(HttpClient client, string path, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(path, ct);
        byte[] body = await response.Content.ReadAsByteArrayAsync(ct);
        double ms = clock.Elapsed.TotalMilliseconds;
        return response.StatusCode == HttpStatusCode.OK
            ? (ms, body.Length, null)
            : (ms, body.Length, $"{(int)response.StatusCode} {response.Headers.Location}{System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(200, body.Length)))}");
    }

    private static void Report(Counts totals, int windows, int runs, string loadBefore, int pages, List<Result> results, List<string> failures)
    {
        Console.WriteLine($"{windows} windows, {totals.Days} days, 3 audits a day: {totals} (seeded in {totals.SeedTime.TotalSeconds:0} s)");
        Console.WriteLine($"{runs} runs per page after one warm-up request; {Environment.ProcessorCount} cores; load average {loadBefore} at the start, {BenchCommand.LoadAverage()} at the end");
        Console.WriteLine($"{"page",-24} {"as",-8} {"first ms",9} {"min ms",8} {"median",8} {"p95",8} {"KB",7}  path");
        foreach (var r in results)
            Console.WriteLine($"{r.Page.Name,-24} {r.Page.Who,-8} {F(r.FirstMs),9} {F(r.Ms.Min),8} {F(r.Ms.Median),8} {F(r.Ms.P95),8} {F(r.Bytes / 1024.0),7}  {r.Page.Path}");
        foreach (string f in failures) Console.WriteLine($"FAILED {f}");
        var slowest = results.MaxBy(r => r.Ms.Median);
        if (slowest is not null) Console.WriteLine($"slowest: {slowest.Page.Name} (median {F(slowest.Ms.Median)} ms, p95 {F(slowest.Ms.P95)} ms)");
        Console.WriteLine(string.Join(' ',
            $"pages={pages}",
            $"failed={failures.Count}",
            $"audits={totals.Audits}",
            $"windows={windows}",
            $"days={totals.Days}",
            $"runs={runs}",
            $"slowest={slowest?.Page.Name ?? "none"}",
            $"slowest_median_ms={F(slowest?.Ms.Median ?? 0)}",
            $"slowest_p95_ms={F(slowest?.Ms.P95 ?? 0)}",
            $"p95_over_1s={results.Count(r => r.Ms.P95 >= 1000)}"));
    }

    /// <summary>Signs in through the sign-in form as a browser does (anti-forgery token, cookie); redirects are not followed afterwards.</summary>
    private static async Task<HttpClient> SignInAsync(Uri baseUrl, string user, string password, CancellationToken ct)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = baseUrl };
        string form = await client.GetStringAsync("/login", ct);
        var token = FormToken().Match(form);
        if (!token.Success) throw new InvalidOperationException("bench-pages: the sign-in page has no anti-forgery field");
        using var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value), ["userName"] = user, ["password"] = password,
        }), ct);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.StartsWith("/login", StringComparison.Ordinal) != false)
            throw new InvalidOperationException($"bench-pages: sign-in as {user} failed ({(int)response.StatusCode})");
        return client;
    }

    [GeneratedRegex("name='__RequestVerificationToken' value='([^']+)'")]
    private static partial Regex FormToken();

    private static string F(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static void Progress(string message) => Console.Error.WriteLine($"[bench-pages] {message}");

    /// <summary><c>deskvision serve</c> as its own process, as the hall runs it, with no Hangfire server (no jobs run during the timings).</summary>
    private sealed class ServeProcess : IDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _output = new();

        private ServeProcess(Process process) => _process = process;

        public int Id => _process.Id;

        public static ServeProcess Start(string connectionString, string evidenceFolder)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "deskvision.dll"));
            foreach (string a in new[] { "serve", "--urls", "http://127.0.0.1:0" }) psi.ArgumentList.Add(a);
            psi.Environment["DESKVISION_DB"] = connectionString;
            psi.Environment["DESKVISION_EVIDENCE"] = evidenceFolder;
            psi.Environment["DESKVISION_SITE"] = Path.Combine(evidenceFolder, "no-site-folder"); // the seeded hall only, no demo site
            psi.Environment["DESKVISION_WEB_JOBS"] = "false";
            psi.Environment["DESKVISION_MODEL"] = "n"; // loaded at start-up; pages never run it
            psi.Environment["DESKVISION_ROOT"] = ProjectPaths.Root;
            var web = new ServeProcess(Process.Start(psi) ?? throw new InvalidOperationException("bench-pages: could not start dotnet"));
            web._process.OutputDataReceived += (_, e) => web.Keep(e.Data);
            web._process.ErrorDataReceived += (_, e) => web.Keep(e.Data);
            web._process.BeginOutputReadLine();
            web._process.BeginErrorReadLine();
            return web;
        }

        private void Keep(string? line)
        {
            if (line is null) return;
            _output.Enqueue(line);
            while (_output.Count > 200) _output.TryDequeue(out _);
        }

        public async Task<Uri> WaitUntilUpAsync(TimeSpan timeout, CancellationToken ct)
        {
            var until = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < until)
            {
                if (_output.FirstOrDefault(l => l.Contains("DeskVision is up: ", StringComparison.Ordinal)) is { } line)
                    return new Uri(line.Split("up: ")[1].Split(' ')[0]);
                if (_process.HasExited) throw new InvalidOperationException($"bench-pages: the web app exited ({_process.ExitCode}):\n{Tail()}");
                await Task.Delay(100, ct);
            }
            throw new TimeoutException($"bench-pages: the web app was not up after {timeout.TotalSeconds} s:\n{Tail()}");
        }

        public string Tail() => string.Join('\n', _output.TakeLast(40));

        public void Dispose()
        {
            if (!_process.HasExited) { _process.Kill(entireProcessTree: true); _process.WaitForExit(10_000); }
            _process.Dispose();
        }
    }
}
