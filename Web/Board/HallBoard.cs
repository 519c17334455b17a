using DeskVision.Store;
using DeskVision.Web.Accounts;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Board;

/// <summary>A tile's colour on the hall board.</summary>
public enum TileState { Unknown, Green, Amber, Red }

/// <summary>
/// One open violation as the board shows it: the same clause in the same zone of one camera, seen on every audit
/// since it was first seen and not yet rectified (each audit stores its own violation row, so these are grouped).
/// </summary>
public sealed record OpenViolation(int WindowId, string Window, string ClauseKey, string TitleZh, string TitleEn, string Severity, string Zone,
    DateTimeOffset Since, DateTimeOffset LastSeen, int Snapshots, long LatestAuditId, long LatestViolationId, double Points,
    int? StaffId, string? StaffName)
{
    public bool Major => Severity == "major";
}

/// <summary>A camera of a window, and what the board says about it apart from violations.</summary>
public sealed record CameraState(string Key, DateTimeOffset? OfflineSince, string? LastFailure, DateTimeOffset? LastSnapshotAt,
    string? LatestStatus, string? LatestReason, bool ScheduleOn)
{
    public bool Offline => OfflineSince is not null;
    /// <summary>The latest audit could not judge the picture (dark, blurred, covered): not a violation, a camera matter.</summary>
    public bool Unreliable => !Offline && LatestStatus == AuditStatuses.Unreliable;
    public bool Failed => !Offline && LatestStatus == AuditStatuses.Failed;
}

/// <summary>The evidence the tile shows: an audit's snapshot and its violation boxes.</summary>
public sealed record TileEvidence(long AuditId, DateTimeOffset TakenAt, int Width, int Height, IReadOnlyList<EvidenceBox> Violations);

/// <summary>A violation's box on a snapshot, with the clause it breaks.</summary>
public sealed record EvidenceBox(long Id, string TitleZh, string TitleEn, string Severity, float X1, float Y1, float X2, float Y2);

public sealed record WindowTile(int WindowId, string Window, string Site, TileState State, double? LatestScore, DateTimeOffset? LatestAt,
    IReadOnlyList<OpenViolation> Open, IReadOnlyList<CameraState> Cameras, TileEvidence? Evidence, string? OnDuty);

/// <summary>What the hall board and its queue of open violations are made of, for the windows a user may see.</summary>
public sealed class HallBoard(DeskVisionDb db, BoardSettings settings, TimeProvider clock)
{
    public async Task<IReadOnlyList<WindowTile>> TilesAsync(CurrentUser user, IReadOnlyList<OpenViolation> open, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var windows = await db.Windows.AsNoTracking().VisibleTo(user, db).Include(w => w.Site).Include(w => w.Cameras)
            .OrderBy(w => w.SiteId).ThenBy(w => w.Name).ToListAsync(ct);
        var cameraIds = windows.SelectMany(w => w.Cameras).Select(c => c.Id).ToList();
        var latest = await db.Audits.AsNoTracking().Where(a => cameraIds.Contains(a.CameraId))
            .GroupBy(a => a.CameraId)
            .Select(g => g.OrderByDescending(a => a.TakenAt).Select(a => new { a.CameraId, a.Id, a.TakenAt, a.Status, a.FailureReason }).First())
            .ToListAsync(ct);
        var latestOk = await db.Audits.AsNoTracking().Where(a => cameraIds.Contains(a.CameraId) && a.Status == AuditStatuses.Ok)
            .GroupBy(a => a.CameraId)
            .Select(g => g.OrderByDescending(a => a.TakenAt).Select(a => new { a.CameraId, a.Id, a.TakenAt, a.Score, a.SnapshotPath, a.ImageWidth, a.ImageHeight }).First())
            .ToListAsync(ct);

        // The picture of each tile: the latest audit with an open violation, else the latest scored one with a snapshot.
        var evidenceIds = windows.Select(w => open.Where(o => o.WindowId == w.Id).Select(o => (long?)o.LatestAuditId).Max()
                ?? latestOk.Where(a => w.Cameras.Any(c => c.Id == a.CameraId) && a.SnapshotPath != null).MaxBy(a => a.TakenAt)?.Id)
            .OfType<long>().ToList();
        var pictures = await db.Audits.AsNoTracking().Where(a => evidenceIds.Contains(a.Id) && a.SnapshotPath != null)
            .Select(a => new
            {
                a.Id, a.TakenAt, a.ImageWidth, a.ImageHeight,
                Boxes = a.Violations.Where(v => v.Appeal == null || v.Appeal.Outcome != AppealOutcomes.Overturned)
                    .Select(v => new EvidenceBox(v.Id, v.Clause.TitleZh, v.Clause.TitleEn, v.Clause.Severity, v.X1, v.Y1, v.X2, v.Y2)).ToList(),
            }).ToListAsync(ct);

        var onDuty = await db.DutyShifts.AsNoTracking().Where(s => windows.Select(w => w.Id).Contains(s.WindowId) && s.From <= now && s.To > now)
            .Select(s => new { s.WindowId, s.Staff.Name }).ToListAsync(ct);

        var tiles = new List<WindowTile>();
        foreach (var w in windows)
        {
            var thresholds = settings.For(w.Site.Key);
            var mine = open.Where(o => o.WindowId == w.Id).ToList();
            var ok = latestOk.Where(a => w.Cameras.Any(c => c.Id == a.CameraId)).MaxBy(a => a.TakenAt);
            var cameras = w.Cameras.OrderBy(c => c.Key).Select(c =>
            {
                var last = latest.FirstOrDefault(a => a.CameraId == c.Id);
                return new CameraState(c.Key, c.OfflineSince, c.LastFailure, c.LastSnapshotAt, last?.Status, last?.FailureReason, c.ScheduleEnabled);
            }).ToList();
            var state = ok is null && mine.Count == 0 ? TileState.Unknown
                : mine.Any(o => o.Major || now - o.Since >= TimeSpan.FromMinutes(thresholds.RedAfterMinutes)) || ok?.Score < thresholds.RedBelow ? TileState.Red
                : mine.Count > 0 || ok?.Score < thresholds.GreenFrom ? TileState.Amber
                : TileState.Green;
            var pictureId = mine.Select(o => (long?)o.LatestAuditId).Max() ?? (ok?.SnapshotPath is not null ? ok.Id : null);
            var picture = pictures.FirstOrDefault(p => p.Id == pictureId);
            var evidence = picture is null ? null : new TileEvidence(picture.Id, picture.TakenAt, picture.ImageWidth, picture.ImageHeight, picture.Boxes);
            var names = onDuty.Where(s => s.WindowId == w.Id).Select(s => s.Name).Distinct().ToList();
            tiles.Add(new WindowTile(w.Id, w.Name, w.Site.Name, state, ok?.Score, ok?.TakenAt, mine.OrderByDescending(o => o.Major).ThenBy(o => o.Since).ToList(),
                cameras, evidence, names.Count == 0 ? null : string.Join("、", names)));
        }
        return tiles;
    }

    /// <summary>Every open violation of the windows the user may see, oldest first, with who was on duty when it was first seen.</summary>
    public async Task<IReadOnlyList<OpenViolation>> OpenAsync(CurrentUser user, CancellationToken ct)
    {
        var windows = db.Windows.VisibleTo(user, db).Select(w => w.Id);
        var groups = await db.AuditViolations.AsNoTracking()
            .Where(v => windows.Contains(v.Audit.Camera.WindowId) && v.ClosedAt == null && v.Audit.Status == AuditStatuses.Ok
                        && (v.Appeal == null || v.Appeal.Outcome != AppealOutcomes.Overturned))
            .GroupBy(v => new { v.Audit.Camera.WindowId, Window = v.Audit.Camera.Window.Name, v.Audit.CameraId, v.Clause.Key, v.ZoneName })
            .Select(g => new
            {
                g.Key.WindowId, g.Key.Window, g.Key.Key, g.Key.ZoneName,
                Since = g.Min(v => v.Audit.TakenAt), LastSeen = g.Max(v => v.Audit.TakenAt), Count = g.Count(),
                LatestAudit = g.Max(v => v.AuditId), LatestViolation = g.Max(v => v.Id), ClauseId = g.Max(v => v.ClauseId), Points = g.Max(v => v.Points),
            }).ToListAsync(ct);
        if (groups.Count == 0) return [];
        var clauseIds = groups.Select(g => g.ClauseId).Distinct().ToList();
        var clauses = await db.Clauses.AsNoTracking().Where(c => clauseIds.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => new { c.TitleZh, c.TitleEn, c.Severity }, ct);
        var windowIds = groups.Select(g => g.WindowId).Distinct().ToList();
        var first = groups.Min(g => g.Since);
        var shifts = await db.DutyShifts.AsNoTracking().Where(s => windowIds.Contains(s.WindowId) && s.To > first)
            .Select(s => new { s.WindowId, s.From, s.To, s.StaffId, s.Staff.Name }).ToListAsync(ct);
        return groups.Select(g =>
        {
            var c = clauses[g.ClauseId];
            var duty = shifts.Where(s => s.WindowId == g.WindowId && s.From <= g.Since && s.To > g.Since).OrderBy(s => s.From).FirstOrDefault();
            return new OpenViolation(g.WindowId, g.Window, g.Key, c.TitleZh, c.TitleEn, c.Severity, g.ZoneName, g.Since, g.LastSeen, g.Count,
                g.LatestAudit, g.LatestViolation, g.Points, duty?.StaffId, duty?.Name);
        }).OrderBy(o => o.Since).ToList();
    }
}
