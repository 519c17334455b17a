using DeskVision.Detectors;

namespace DeskVision.Tests.Fixtures;

/// <summary>One detector per model tier for the whole run: loading a session costs more than most tests.</summary>
public sealed class DetectorFixture : IDisposable
{
    private readonly Dictionary<string, ObjectDetector> _detectors = [];
    private readonly Lock _gate = new();

    public ObjectDetector Get(string tier)
    {
        lock (_gate)
        {
            if (!_detectors.TryGetValue(tier, out var d))
                _detectors[tier] = d = new ObjectDetector(new DetectorOptions { ModelPath = TestData.ModelPath(tier) });
            return d;
        }
    }

    public void Dispose()
    {
        foreach (var d in _detectors.Values) d.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class DetectorCollection : ICollectionFixture<DetectorFixture>, ICollectionFixture<DatabaseFixture>
{
    public const string Name = "detector and database";
}
