using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Tests.Cameras;

namespace DeskVision.Tests.Fixtures;

/// <summary>
/// Cameras for tests, made as a site's cameras are: a camera file read by <see cref="CameraFile"/>, stored by
/// <see cref="AuditWriter.EnsureCameraAsync"/> with its site and window. One window per camera.
/// </summary>
public static class TestCameras
{
    /// <summary>A seat zone over the whole picture: whoever the camera sees is at the seat.</summary>
    public const string WholeSeat = "[{ name: seat, kind: seat, polygon: [[0, 0], [1, 0], [1, 1], [0, 1]] }]";

    /// <summary>A counter (desk) zone over the lower 60% of the picture.</summary>
    public const string LowerCounter = "[{ name: counter, kind: desk, polygon: [[0, 0.4], [1, 0.4], [1, 1], [0, 1]] }]";

    public static CameraLayout Layout(string camera, string site, string window, string? source = null, string zones = WholeSeat) =>
        CameraFile.Parse("cam.yaml", $$"""
            camera: {{camera}}
            site: {{site}}
            window: {{window}}
            zones: {{zones}}
            """) with { Source = source };

    /// <summary>Stores the camera (its site and window too, if new); returns its id.</summary>
    public static Task<int> AddAsync(DeskVisionDb db, string camera, string site, string window, string? source = null, string zones = WholeSeat) =>
        new AuditWriter(db).EnsureCameraAsync(Layout(camera, site, window, source, zones), default);

    /// <summary>A camera of its own window, with a fresh key starting with <paramref name="prefix"/>, served by the simulator in <paramref name="mode"/>; returns the key.</summary>
    public static async Task<string> AddSimulatedAsync(DatabaseFixture database, CameraSimulator simulator, CameraMode mode, string prefix, string site, string zones = WholeSeat)
    {
        string key = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
        await using var db = database.NewContext();
        await AddAsync(db, key, site, key, simulator.Add(mode), zones);
        return key;
    }
}
