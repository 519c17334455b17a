namespace DeskVision.Store;

public sealed class Camera
{
    public int Id { get; set; }
    public required string Key { get; set; }
    public int WindowId { get; set; }
    public Window Window { get; set; } = null!;
    /// <summary>Where snapshots come from (a URL without credentials, or a folder); null for upload-only cameras.</summary>
    public string? Source { get; set; }
    public double ZoneShare { get; set; } = 0.5;
    public List<CameraZone> Zones { get; set; } = [];

    /// <summary>User name for the camera's HTTP or RTSP login; null for none.</summary>
    public string? User { get; set; }
    /// <summary>The camera password, encrypted with ASP.NET Data Protection; never returned or logged.</summary>
    public string? PasswordProtected { get; set; }

    // The schedule, as data: edited through the API, applied by AuditScheduler.
    public bool ScheduleEnabled { get; set; } = true;
    /// <summary>Bands for the three daily inspections (一日三巡检), e.g. "09:00-11:30 11:30-14:00 14:00-17:30"; one random time in each.</summary>
    public string InspectionBands { get; set; } = "09:00-11:30 11:30-14:00 14:00-17:30";
    /// <summary>Random spot checks (监控抽查) a day, anywhere in opening hours.</summary>
    public int SpotChecksPerDay { get; set; } = 2;
    /// <summary>Snapshots per audit and seconds between them, so temporal rules can ask for consecutive frames.</summary>
    public int BurstSize { get; set; } = 3;
    public int BurstIntervalSeconds { get; set; } = 20;
    /// <summary>When set, audit every N minutes instead of at random times (demo sites, soak tests).</summary>
    public int? EveryMinutes { get; set; }

    // Health, updated after every snapshot attempt.
    public int ConsecutiveFailures { get; set; }
    public DateTimeOffset? OfflineSince { get; set; }
    public DateTimeOffset? LastSnapshotAt { get; set; }
    /// <summary>SHA-256 of the last snapshot's bytes: the same bytes again means the camera's picture froze.</summary>
    public string? LastSnapshotHash { get; set; }
    public string? LastFailure { get; set; }

    /// <summary>
    /// When camera health first found the view no longer matching the view reference taken before it (the camera was
    /// knocked or turned): every reference picture taken before this is stale until taken again.
    /// </summary>
    public DateTimeOffset? MovedAt { get; set; }
    /// <summary>The audit that found it, and what it measured.</summary>
    public string? MovedReason { get; set; }
    public List<CameraReference> References { get; set; } = [];
}

/// <summary>The kinds of reference picture a camera keeps, as the API and the camera file name them.</summary>
public static class ReferenceKinds
{
    /// <summary>The whole view as mounted: the camera-moved check compares every snapshot with it.</summary>
    public const string FullView = "full-view";
    /// <summary>The desk arranged as it should be (定置定位): the desk-layout checks compare with it.</summary>
    public const string Desk = "desk";
    /// <summary>The staff chair empty with nothing on its back: the coat-on-chair check compares with it.</summary>
    public const string EmptyChair = "empty-chair";
    /// <summary>A crop of the "暂停服务" sign on the counter: searched for on each snapshot.</summary>
    public const string PauseSign = "pause-sign";
    public static readonly IReadOnlyList<string> All = [FullView, Desk, EmptyChair, PauseSign];
}

/// <summary>
/// A reference picture taken from a camera's live snapshot in the app (it takes the place of the camera file's picture
/// of the same kind). One per camera and kind: taking it again replaces it.
/// </summary>
public sealed class CameraReference
{
    public int Id { get; set; }
    public int CameraId { get; set; }
    public Camera Camera { get; set; } = null!;
    /// <summary>One of <see cref="ReferenceKinds"/>.</summary>
    public required string Kind { get; set; }
    /// <summary>The file, relative to the reference folder; made from the camera's id and the kind, never from request input.</summary>
    public required string Path { get; set; }
    public DateTimeOffset CapturedAt { get; set; }
    public required string CapturedBy { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    /// <summary>The part of the snapshot kept (the pause sign), [x1, y1, x2, y2] normalised; null for the whole picture.</summary>
    public double[]? Crop { get; set; }
}

public sealed class CameraZone
{
    public int Id { get; set; }
    public int CameraId { get; set; }
    public required string Name { get; set; }
    /// <summary>desk, seat, chair-back, customer-view or aisle.</summary>
    public required string Kind { get; set; }
    /// <summary>[[x, y], ...] normalised to 0..1.</summary>
    public required double[][] Polygon { get; set; }
}
