namespace DeskVision.Store;

public sealed class Site
{
    public int Id { get; set; }
    public required string Key { get; set; }
    public required string Name { get; set; }
    /// <summary>IANA zone the opening hours are in.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";
    /// <summary>E.g. "mon-fri 09:00-12:00 13:30-17:30"; the scheduler reads it.</summary>
    public string OpeningHours { get; set; } = "mon-fri 09:00-12:00 13:30-17:30";
    /// <summary>Days the hall is closed although the weekday is open (public holidays).</summary>
    public List<DateOnly> Holidays { get; set; } = [];
    /// <summary>The site's uniform has a tie (site file <c>uniform: { tie: true }</c>): a tie on a seated person's torso is evidence it is worn.</summary>
    public bool UniformHasTie { get; set; }
    /// <summary>How much that tie lowers the torso's distance from the uniform, as a share of it (<c>uniform: { tie_weight: }</c>).</summary>
    public double UniformTieWeight { get; set; } = SiteUniform.Default.TieWeight;
    public List<Window> Windows { get; set; } = [];
}

/// <summary>A service window (窗口): one counter, one seat, usually one camera.</summary>
public sealed class Window
{
    public int Id { get; set; }
    public int SiteId { get; set; }
    public Site Site { get; set; } = null!;
    public required string Name { get; set; }
    public List<Camera> Cameras { get; set; } = [];
}

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

public static class PlannedAuditKinds
{
    public const string Inspection = "inspection";
    public const string SpotCheck = "spot-check";
    public const string Manual = "manual";
    public const string Interval = "interval";
}

public static class PlannedAuditStates
{
    public const string Planned = "planned";
    public const string Done = "done";
    public const string Cancelled = "cancelled";
}

/// <summary>One audit the scheduler has promised to run: the plan is data, so "every planned audit ran once" can be checked.</summary>
public sealed class PlannedAudit
{
    public long Id { get; set; }
    public int CameraId { get; set; }
    public Camera Camera { get; set; } = null!;
    public DateOnly Day { get; set; }
    public required string Kind { get; set; }
    public DateTimeOffset DueAt { get; set; }
    /// <summary>0 for the first snapshot of a burst; the others point at it through <see cref="BurstOf"/>.</summary>
    public int BurstIndex { get; set; }
    public long? BurstOf { get; set; }
    public string State { get; set; } = PlannedAuditStates.Planned;
    public string? HangfireJobId { get; set; }
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

public sealed class Staff
{
    public int Id { get; set; }
    public int SiteId { get; set; }
    public required string Name { get; set; }
    /// <summary>The window the staff member usually works. Attribution never reads it: only the duty roster (<see cref="DutyShift"/>) says who was on duty.</summary>
    public int? WindowId { get; set; }
}

public sealed class StandardVersion
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>The version the site gave the file.</summary>
    public required string Version { get; set; }
    /// <summary>Hash of the file's content: the same content is one version, any edit is a new one.</summary>
    public required string ContentHash { get; set; }
    public DateTimeOffset LoadedAt { get; set; }
    /// <summary>
    /// The standard's text exactly as it was read (the site's file, an import, or the text a form edit produced), so the
    /// audits scored with this version can be judged again by exactly it. Null only for versions stored before it was kept.
    /// </summary>
    public string? Content { get; set; }
    /// <summary>When this version last became the one new audits are scored with; null if it never was (a standard
    /// given to <c>deskvision audit --standard</c>, say). The version published last is the current one.</summary>
    public DateTimeOffset? PublishedAt { get; set; }
    /// <summary>Who published it: a user name, or the path of the site's standard file loaded at start-up.</summary>
    public string? PublishedBy { get; set; }
    /// <summary>How it came: <c>file</c>, <c>import</c> (an uploaded file) or <c>form</c> (edited in the app); see <see cref="PublishedStandards"/>.</summary>
    public string? Origin { get; set; }
    public List<Clause> Clauses { get; set; } = [];
}

public sealed class Clause
{
    public int Id { get; set; }
    public int StandardVersionId { get; set; }
    /// <summary>The clause's stable id in the standard, e.g. desk.phone-on-desk.</summary>
    public required string Key { get; set; }
    public required string TitleZh { get; set; }
    public required string TitleEn { get; set; }
    public required string Category { get; set; }
    public required string Severity { get; set; }
    public required string TextZh { get; set; }
    public bool Active { get; set; }
    public double MaxPoints { get; set; }
    /// <summary>The 6S pillar (整理 整顿 清扫 服务 安全 素养) this clause rolled up to in this version; null when unmapped.</summary>
    public string? Pillar { get; set; }
    /// <summary>The rules as loaded, JSON, for the record.</summary>
    public string RulesJson { get; set; } = "[]";
}

public static class AuditStatuses
{
    public const string Ok = "ok";
    public const string Failed = "failed";
    /// <summary>A picture was had but was too poor to judge (blurred, covered, camera moved); not scored.</summary>
    public const string Unreliable = "unreliable";
}

public sealed class Audit
{
    public long Id { get; set; }
    public int CameraId { get; set; }
    public Camera Camera { get; set; } = null!;
    public DateTimeOffset TakenAt { get; set; }
    public DateTimeOffset StoredAt { get; set; }
    /// <summary>ok or failed (see <see cref="AuditStatuses"/>).</summary>
    public required string Status { get; set; }
    public string? FailureReason { get; set; }
    public required string ModelId { get; set; }
    public int? StandardVersionId { get; set; }
    public StandardVersion? StandardVersion { get; set; }
    public int ImageWidth { get; set; }
    public int ImageHeight { get; set; }
    public double Score { get; set; }
    /// <summary>Where the snapshot came from (path or URL without credentials).</summary>
    public string? Source { get; set; }
    /// <summary>The snapshot as received, relative to the evidence folder; null when none was had.</summary>
    public string? SnapshotPath { get; set; }
    /// <summary>Set by a scheduled job so a retried job cannot store the same audit twice.</summary>
    public string? RunKey { get; set; }
    public long? PlannedAuditId { get; set; }
    /// <summary>The process that ran the audit (host:pid), to see how work spreads over workers.</summary>
    public string? ProcessedBy { get; set; }
    /// <summary>Set when the model did not run because the judged zones looked as on this earlier audit, whose detections were copied.</summary>
    public long? DetectionsReusedFrom { get; set; }
    /// <summary>Grey thumbnail of the judged zones, kept when the model ran, for later snapshots to compare with (see ZoneSignature).</summary>
    public byte[]? ZoneSignature { get; set; }
    /// <summary>Why the model ran or not on this snapshot (which zone changed by how much).</summary>
    public string? ChangeNote { get; set; }
    /// <summary>
    /// [[clause key, zone], ...]: every condition a rule found on this snapshot, violation or not (a rule over K snapshots
    /// in a row sees it before it reports it). A later audit rectifies only what it did not see (<see cref="Rectification"/>).
    /// </summary>
    public string[][] ConditionsSeen { get; set; } = [];
    public List<AuditDetection> Detections { get; set; } = [];
    public List<AuditViolation> Violations { get; set; } = [];
}

public sealed class AuditDetection
{
    public long Id { get; set; }
    public long AuditId { get; set; }
    public required string Label { get; set; }
    public int ClassId { get; set; }
    public float Confidence { get; set; }
    public float X1 { get; set; }
    public float Y1 { get; set; }
    public float X2 { get; set; }
    public float Y2 { get; set; }
}

/// <summary>
/// One breach of one clause in one audit. It is open until a later audit of the same camera no longer shows the clause
/// in that zone (<see cref="RectifiedByAuditId"/>), or a manager closes it with a note; an overturned appeal takes it out
/// of every score and count (see <see cref="Appeal"/>).
/// </summary>
public sealed class AuditViolation
{
    public long Id { get; set; }
    public long AuditId { get; set; }
    public Audit Audit { get; set; } = null!;
    public int ClauseId { get; set; }
    public Clause Clause { get; set; } = null!;
    public required string ZoneName { get; set; }
    public double Points { get; set; }
    public required string Reason { get; set; }
    public float X1 { get; set; }
    public float Y1 { get; set; }
    public float X2 { get; set; }
    public float Y2 { get; set; }
    /// <summary>The detection behind it, for the false-positive list; null for an absence.</summary>
    public string? Label { get; set; }
    public float? Confidence { get; set; }

    // 整改: when and how the condition ended. Null ClosedAt means open.
    /// <summary>When it was rectified: the rectifying audit's time, or when a manager closed it.</summary>
    public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>The later audit of the same camera that no longer showed the clause in the zone.</summary>
    public long? RectifiedByAuditId { get; set; }
    public Audit? RectifiedByAudit { get; set; }
    /// <summary>The manager who closed it by hand, and why; null when an audit rectified it.</summary>
    public string? ClosedBy { get; set; }
    public string? CloseNote { get; set; }

    public Appeal? Appeal { get; set; }
}

public static class AppealOutcomes
{
    public const string Upheld = "upheld";
    public const string Overturned = "overturned";
}

/// <summary>
/// A staff member disputes a violation (申诉); a manager upholds or overturns it. An overturned violation no longer counts
/// in any score or roll-up and is listed as a false positive of the detector. The decision is kept: who, when, why.
/// </summary>
public sealed class Appeal
{
    public long Id { get; set; }
    public long ViolationId { get; set; }
    public AuditViolation Violation { get; set; } = null!;
    /// <summary>Who appealed; null when a manager marked the violation a false positive while reviewing the audit (no one appealed).</summary>
    public int? StaffId { get; set; }
    public Staff? Staff { get; set; }
    public required string Reason { get; set; }
    public DateTimeOffset FiledAt { get; set; }
    /// <summary>Null while pending; then upheld or overturned (see <see cref="AppealOutcomes"/>).</summary>
    public string? Outcome { get; set; }
    public string? DecidedBy { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
    public string? DecisionNote { get; set; }
}

/// <summary>
/// Who is on duty at which window when (排班), [From, To). A violation belongs to whoever's shift covers its audit's time;
/// a time no shift covers is "no one on the roster", never guessed from <see cref="Staff.WindowId"/>.
/// </summary>
public sealed class DutyShift
{
    public long Id { get; set; }
    public int StaffId { get; set; }
    public Staff Staff { get; set; } = null!;
    public int WindowId { get; set; }
    public Window Window { get; set; } = null!;
    public DateTimeOffset From { get; set; }
    public DateTimeOffset To { get; set; }
    /// <summary>Where the shift came from: <c>site.yaml</c> for the seeded roster (re-seeding replaces those), <c>api</c>.</summary>
    public string Source { get; set; } = DutyShiftSources.Api;
}

public static class DutyShiftSources
{
    public const string SiteFile = "site.yaml";
    public const string Api = "api";
}

public static class Roles
{
    public const string Admin = "admin";
    public const string Manager = "manager";
    public const string Staff = "staff";
    public static readonly IReadOnlyList<string> All = [Admin, Manager, Staff];
}

/// <summary>
/// A person who signs in. Admins see everything; managers the halls in <see cref="SiteIds"/>; staff only what is
/// attributed to their own <see cref="StaffId"/>. The password is hashed (ASP.NET Core Identity's PBKDF2 hasher).
/// </summary>
public sealed class UserAccount
{
    public int Id { get; set; }
    public required string UserName { get; set; }
    public required string DisplayName { get; set; }
    public required string Role { get; set; }
    public required string PasswordHash { get; set; }
    public int? StaffId { get; set; }
    public Staff? Staff { get; set; }
    public List<int> SiteIds { get; set; } = [];
    /// <summary>Failed sign-ins in a row; enough of them lock the account for a while.</summary>
    public int FailedLogins { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Who changed what, and when: standard changes, zone edits, appeal decisions, user changes.</summary>
public sealed class AuditLogEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string Subject { get; set; }
    public string? Details { get; set; }
}

public static class WebhookFormats
{
    public const string Json = "json";
    /// <summary>企业微信 group robot: {"msgtype":"markdown","markdown":{"content":...}}.</summary>
    public const string WeCom = "wecom";
    /// <summary>钉钉 group robot: {"msgtype":"markdown","markdown":{"title":...,"text":...}}.</summary>
    public const string DingTalk = "dingtalk";
}

/// <summary>Where a site's notifications go: a major violation opened, a violation past its deadline, a camera offline.</summary>
public sealed class SiteWebhook
{
    public int Id { get; set; }
    public int SiteId { get; set; }
    public required string Url { get; set; }
    public string Format { get; set; } = WebhookFormats.Json;
    public bool Enabled { get; set; } = true;
}
