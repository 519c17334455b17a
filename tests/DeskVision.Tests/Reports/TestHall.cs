using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Tests.Reports;

/// <summary>
/// A hall of its own in a test database: windows with one camera each, staff, shifts, and audits with chosen violations
/// stored through <see cref="AuditWriter"/>, as the camera jobs store them. Times are given in the hall's zone (UTC+8).
/// </summary>
public sealed class TestHall
{
    public static readonly Scoring.Standard Standard = StandardFile.Load(TestData.StandardFile);
    public static readonly TimeSpan China = TimeSpan.FromHours(8);

    private readonly DatabaseFixture _database;
    private readonly Dictionary<string, int> _cameras = [];
    private readonly Dictionary<string, CameraLayout> _layouts = [];
    private int _standardId;

    public string Key { get; } = $"hall-{Guid.NewGuid():N}"[..17];

    private TestHall(DatabaseFixture database) => _database = database;

    public static async Task<TestHall> OpenAsync(DatabaseFixture database, params string[] windows)
    {
        var hall = new TestHall(database);
        await using var db = database.NewContext();
        var writer = new AuditWriter(db);
        hall._standardId = await writer.EnsureStandardAsync(Standard, default);
        for (int i = 0; i < windows.Length; i++)
        {
            hall._layouts[windows[i]] = Layout($"{hall.Key}-w{i + 1}", hall.Key, windows[i]);
            hall._cameras[windows[i]] = await writer.EnsureCameraAsync(hall._layouts[windows[i]], default);
        }
        return hall;
    }

    /// <summary>A window camera: counter (desk), seat, customers (customer-view).</summary>
    private static CameraLayout Layout(string camera, string site, string window) => new(camera, site, window, 0.5,
    [
        new Zone("counter", ZoneKind.Desk, [(0, 0.4), (1, 0.4), (1, 0.7), (0, 0.7)]),
        new Zone("seat", ZoneKind.Seat, [(0.2, 0.7), (0.8, 0.7), (0.8, 1), (0.2, 1)]),
        new Zone("customers", ZoneKind.CustomerView, [(0, 0), (1, 0), (1, 0.4), (0, 0.4)]),
    ]);

    /// <summary>A local time of 2026 in the hall's zone.</summary>
    public static DateTimeOffset At(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, China);

    public int CameraId(string window) => _cameras[window];

    public async Task<Site> SiteAsync()
    {
        await using var db = _database.NewContext();
        return await db.Sites.AsNoTracking().SingleAsync(s => s.Key == Key);
    }

    public async Task<int> StaffAsync(string name, string? usualWindow = null)
    {
        await using var db = _database.NewContext();
        var site = await db.Sites.SingleAsync(s => s.Key == Key);
        int? windowId = usualWindow is null ? null : await db.Windows.Where(w => w.SiteId == site.Id && w.Name == usualWindow).Select(w => (int?)w.Id).SingleAsync();
        var staff = db.Staff.Add(new Staff { SiteId = site.Id, Name = name, WindowId = windowId }).Entity;
        await db.SaveChangesAsync();
        return staff.Id;
    }

    public async Task ShiftAsync(int staffId, string window, DateTimeOffset from, DateTimeOffset to)
    {
        await using var db = _database.NewContext();
        int windowId = await db.Cameras.Where(c => c.Id == _cameras[window]).Select(c => c.WindowId).SingleAsync();
        db.DutyShifts.Add(new DutyShift { StaffId = staffId, WindowId = windowId, From = from.ToUniversalTime(), To = to.ToUniversalTime() });
        await db.SaveChangesAsync();
    }

    /// <summary>
    /// The points each violation takes in these tests, fixed here so the hand-computed figures do not move when the
    /// site edits its defaults in the shipped standard (other clauses take their first rule's points).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, double> Points = new Dictionary<string, double>
    {
        ["desk.phone-on-desk"] = 3, ["desk.cup"] = 2, ["desk.private-items"] = 2, ["behaviour.no-eating"] = 3, ["presence.unattended-window"] = 5,
    };

    /// <summary>Stores an ok audit that found these clauses in these zones, at <see cref="Points"/>; score 100 minus them.</summary>
    public Task<long> AuditAsync(string window, DateTimeOffset at, params (string Clause, string Zone)[] found) =>
        AuditAsync(window, at, Standard, found);

    public async Task<long> AuditAsync(string window, DateTimeOffset at, Scoring.Standard standard, params (string Clause, string Zone)[] found)
    {
        var violations = found.Select(f =>
        {
            var rule = standard.Find(f.Clause)!.Rules[0];
            var box = new Box(10, 10, 60, 60);
            var detection = rule.Kind == RuleKind.ObjectInZone ? new Detection(rule.Labels.First(), 0, 0.8f, box) : null;
            return new Violation(f.Clause, f.Zone, box, Points.GetValueOrDefault(f.Clause, rule.Points), $"{f.Clause} in {f.Zone}", detection);
        }).ToList();
        var result = new AuditResult("test", at.ToUniversalTime(), AuditStatus.Ok, null, 1000, 1000, [], violations,
            Math.Max(0, Scorecard.FullMarks - violations.Sum(v => v.Points)), "test-model", standard.Version);
        await using var db = _database.NewContext();
        var writer = new AuditWriter(db);
        int standardId = ReferenceEquals(standard, Standard) ? _standardId : await writer.EnsureStandardAsync(standard, default);
        return await writer.SaveAsync(result, _cameras[window], standardId, "test", null, null, default);
    }

    /// <summary>
    /// Judges a snapshot of <paramref name="window"/>'s camera (1000 × 1000 pixels) with the shipped standard's rules, as the
    /// audit job does, the <paramref name="earlier"/> frames of its run before it, and stores it; returns the audit's id.
    /// </summary>
    public async Task<long> JudgedAuditAsync(string window, DateTimeOffset at, Frame frame, params Frame[] earlier)
    {
        var judged = Scorecard.Judge(frame, earlier, _layouts[window], Standard);
        var result = new AuditResult("test", at.ToUniversalTime(), AuditStatus.Ok, null, frame.Width, frame.Height, frame.Detections,
            judged.Violations, judged.Score, "test-model", Standard.Version) { Seen = judged.Seen };
        await using var db = _database.NewContext();
        return await new AuditWriter(db).SaveAsync(result, _cameras[window], _standardId, "test", null, null, default);
    }

    /// <summary>A frame of a window camera with the seat empty, or with a person sitting in it.</summary>
    public static Frame SeatEmpty => new([], 1000, 1000);
    public static Frame SeatTaken => new([new Detection("person", 0, 0.9f, new Box(300, 720, 700, 990))], 1000, 1000);

    public async Task<long> FailedAuditAsync(string window, DateTimeOffset at)
    {
        await using var db = _database.NewContext();
        return await new AuditWriter(db).SaveAsync(AuditResult.Failed("test", at.ToUniversalTime(), "lens covered", "test-model", Standard.Version),
            _cameras[window], _standardId, "test", null, null, default);
    }

    /// <summary>The stored violation of an audit for a clause (the first, if the audit found it twice).</summary>
    public async Task<AuditViolation> ViolationAsync(long auditId, string clause)
    {
        await using var db = _database.NewContext();
        return await db.AuditViolations.AsNoTracking().Include(v => v.Clause).Include(v => v.Appeal)
            .Where(v => v.AuditId == auditId && v.Clause.Key == clause).OrderBy(v => v.Id).FirstAsync();
    }
}
