using DeskVision.Tests.Cameras;

namespace DeskVision.Tests.Fixtures;

/// <summary>
/// The web app as <c>./deskvision up</c> runs it (a real process with its Hangfire server, yolov8n for speed) on a
/// fresh database, with a camera simulator beside it. Started once for the tests that share it.
/// </summary>
public sealed class RunningApp : IAsyncLifetime
{
    public DatabaseFixture Database { get; } = new();
    public CameraSimulator Cameras { get; } = new();
    private readonly TestData.TempFolder _evidence = new();
    /// <summary>Where the app keeps the reference pictures taken through it.</summary>
    public TestData.TempFolder References { get; } = new();
    private DeskVisionProcess? _web;
    /// <summary>Signed in as an admin: sees and may do everything.</summary>
    public HttpClient Http { get; private set; } = null!;
    public Uri BaseUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await Cameras.InitializeAsync();
        _web = new DeskVisionProcess("web", new Dictionary<string, string>
        {
            ["DESKVISION_DB"] = Database.ConnectionString,
            ["DESKVISION_MODEL"] = "n",
            ["DESKVISION_SITE"] = Path.Combine(_evidence.Path, "no-site"),
            ["DESKVISION_EVIDENCE"] = _evidence.Path,
            ["DESKVISION_REFERENCES"] = References.Path,
            ["DESKVISION_SIGNINS_PER_MINUTE"] = "1000", // many test clients sign in from 127.0.0.1 within a minute
        }, "serve", "--urls", "http://127.0.0.1:0");
        string up = await _web.WaitForAsync("DeskVision is up: ", DeskVisionProcess.StartUp);
        BaseUrl = new Uri(up.Split("up: ")[1].Split(' ')[0]);
        await SignedInClient.CreateAccountAsync(Database.ConnectionString, "admin", Store.Roles.Admin);
        Http = await SignedInClient.SignInAsync(BaseUrl, "admin");
    }

    /// <summary>Adds a camera with one whole-image seat zone, served by the simulator in the given mode; returns its key.</summary>
    public Task<string> AddCameraAsync(CameraMode mode) => TestCameras.AddSimulatedAsync(Database, Cameras, mode, "api", "api-hall");

    /// <summary>Adds a camera of its own window at <paramref name="source"/> (a simulator URL) with the given zones; returns its key.</summary>
    public async Task<string> AddCameraAsync(string source, string zones = TestCameras.WholeSeat)
    {
        string key = $"api-{Guid.NewGuid():N}"[..17];
        await using var db = Database.NewContext();
        await TestCameras.AddAsync(db, key, "api-hall", key, source, zones);
        return key;
    }

    public string Output => _web?.Tail(80) ?? "";

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        _web?.Dispose();
        await Cameras.DisposeAsync();
        await Database.DisposeAsync();
        _evidence.Dispose();
        References.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class RunningAppCollection : ICollectionFixture<RunningApp>
{
    public const string Name = "running app";
}

/// <summary>
/// An app of its own for the tests that change what every audit depends on (the published standard, a camera's
/// reference pictures), so the tests sharing <see cref="RunningAppCollection"/> never see their changes.
/// </summary>
[CollectionDefinition(Name)]
public sealed class StandardsAppCollection : ICollectionFixture<RunningApp>
{
    public const string Name = "standards app";
}
