using DeskVision.Web.Accounts;
using System.Globalization;
using DeskVision.Scoring;
using DeskVision.Store;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Reports;

/// <summary>
/// An audit's scorecard, and what happens to a violation after it is found: a manager closes it (整改 by hand), the staff
/// member on duty appeals it, a manager upholds or overturns the appeal. Overturned violations are the detector's false
/// positives, listed for its evaluation. There are no accounts yet: who acts is given by name and recorded as given.
/// </summary>
public static class ViolationApi
{
    public sealed record CloseInput(string? By, string? Note);
    public const string CloseAction = "violation.close";
    public sealed record AppealInput(int? StaffId, string? Reason);
    public sealed record DecisionInput(string? Outcome, string? By, string? Note);

    public static void MapViolationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/audits/{id:long}/scorecard", async (long id, CurrentUser user, DeskVisionDb db, CancellationToken ct) =>
            await db.Audits.VisibleTo(user, db).AnyAsync(a => a.Id == id, ct) && await ScorecardAsync(db, id, ct) is { } card ? Results.Ok(card) : Results.NotFound());

        api.MapPost("/violations/{id:long}/close", (long id, CloseInput input, CurrentUser user, DeskVisionDb db, TimeProvider clock, CancellationToken ct) =>
            Answer(async () =>
            {
                if (!await db.AuditViolations.VisibleTo(user, db).AnyAsync(v => v.Id == id, ct)) return Results.NotFound();
                var v = await new Appeals(db, clock).CloseAsync(id, user.DisplayName, input.Note, ct);
                db.AuditLog.Add(new AuditLogEntry { At = clock.GetUtcNow(), Actor = user.UserName, Action = CloseAction, Subject = Review.ReviewPages.Subject(id), Details = v.CloseNote });
                await db.SaveChangesAsync(ct);
                return Results.Ok(new { v.Id, v.ClosedAt, v.ClosedBy, v.CloseNote });
            })).RequireAuthorization(Policies.Manager);

        api.MapPost("/violations/{id:long}/appeal", (long id, AppealInput input, CurrentUser user, DeskVisionDb db, TimeProvider clock, CancellationToken ct) =>
            Answer(async () =>
            {
                if (!await db.AuditViolations.VisibleTo(user, db).AnyAsync(v => v.Id == id, ct)) return Results.NotFound();
                // Staff appeal as themselves; a manager may file for a staff member who asked in person.
                int staffId = user.IsStaff ? user.StaffId ?? 0 : input.StaffId ?? 0;
                var appeal = await new Appeals(db, clock).FileAsync(id, staffId, input.Reason, ct);
                return Results.Created($"/api/appeals/{appeal.Id}", new { appeal.Id, violation = id, staff = appeal.Staff?.Name, appeal.Reason, appeal.FiledAt });
            }));

        api.MapPost("/appeals/{id:long}/decision", (long id, DecisionInput input, CurrentUser user, DeskVisionDb db, TimeProvider clock, CancellationToken ct) =>
            Answer(async () =>
            {
                if (!await db.Appeals.AnyAsync(p => p.Id == id && db.AuditViolations.VisibleTo(user, db).Any(v => v.Id == p.ViolationId), ct)) return Results.NotFound();
                var appeal = await new Appeals(db, clock).DecideAsync(id, input.Outcome, user.DisplayName, input.Note, ct);
                db.AuditLog.Add(new AuditLogEntry { At = clock.GetUtcNow(), Actor = user.UserName, Action = $"appeal.{appeal.Outcome}", Subject = Appeals.Subject(id),
                    Details = $"violation {appeal.ViolationId}: {input.Note}" });
                await db.SaveChangesAsync(ct);
                return Results.Ok(new { appeal.Id, appeal.Outcome, appeal.DecidedBy, appeal.DecidedAt, appeal.DecisionNote });
            })).RequireAuthorization(Policies.Manager);

        api.MapGet("/appeals", async (CurrentUser user, DeskVisionDb db, string? state, CancellationToken ct) =>
            await db.Appeals.AsNoTracking().Where(p => db.AuditViolations.VisibleTo(user, db).Any(v => v.Id == p.ViolationId))
                .Where(p => state == null || (state == "pending" ? p.Outcome == null : state == "decided" ? p.Outcome != null : p.Outcome == state))
                .OrderByDescending(p => p.FiledAt)
                .Select(p => new
                {
                    p.Id, violation = p.ViolationId, audit = p.Violation.AuditId, window = p.Violation.Audit.Camera.Window.Name, p.Violation.Audit.TakenAt,
                    clause = p.Violation.Clause.Key, p.Violation.Clause.TitleZh, zone = p.Violation.ZoneName, p.Violation.Points, p.Violation.Reason,
                    // null: no one appealed, a manager marked the violation a false positive on review.
                    staff = p.Staff == null ? null : p.Staff.Name, appeal = p.Reason, p.FiledAt, p.Outcome, p.DecidedBy, p.DecidedAt, p.DecisionNote,
                }).Take(500).ToListAsync(ct)).RequireAuthorization(Policies.Manager);

        // Every hall's false positives: material for evaluating detectors, an admin's job.
        api.MapGet("/false-positives", async (DeskVisionDb db, string? format, DateOnly? from, DateOnly? to, CancellationToken ct) =>
        {
            var rows = await FalsePositivesAsync(db, from, to, ct);
            return format == "csv"
                ? Results.File(Csv.Encode(FalsePositiveColumns, rows.Select(FalsePositiveCells)), Csv.ContentType, "false-positives.csv")
                : Results.Ok(rows);
        }).RequireAuthorization(Policies.Admin);
    }

    private static async Task<IResult> Answer(Func<Task<IResult>> act)
    {
        try { return await act(); }
        catch (KeyNotFoundException) { return Results.NotFound(); }
        catch (RefusedException e) when (e.Conflict) { return Results.Conflict(new { problem = e.Message }); }
        catch (RefusedException e) { return Results.ValidationProblem(new Dictionary<string, string[]> { [e.Field] = [e.Message] }); }
    }

    /// <summary>Who was on duty at a window at an instant, from the roster only; null means no one was rostered.</summary>
    public static async Task<(int Id, string Name)?> OnDutyAsync(DeskVisionDb db, int windowId, DateTimeOffset at, CancellationToken ct)
    {
        var s = await db.DutyShifts.AsNoTracking().Where(x => x.WindowId == windowId && x.From <= at && x.To > at)
            .OrderBy(x => x.From).Select(x => new { x.StaffId, x.Staff.Name }).FirstOrDefaultAsync(ct);
        return s is null ? null : (s.StaffId, s.Name);
    }

    /// <summary>An overturned violation, with what a detector evaluation needs to count it as a false positive.</summary>
    public sealed record FalsePositive(long Violation, long Audit, string Camera, DateTimeOffset TakenAt, string? SnapshotPath, string ModelId,
        int ImageWidth, int ImageHeight, string Clause, string Zone, string? Label, float? Confidence, float X1, float Y1, float X2, float Y2,
        string Appeal, string? DecidedBy, DateTimeOffset? DecidedAt, string? DecisionNote);

    public static async Task<IReadOnlyList<FalsePositive>> FalsePositivesAsync(DeskVisionDb db, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        // Dates are the decision's UTC day: the list feeds a detector evaluation, not a hall's calendar.
        var since = from is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : DateTimeOffset.MinValue;
        var until = to is { } t ? new DateTimeOffset(t.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : DateTimeOffset.MaxValue;
        return await db.Appeals.AsNoTracking()
            .Where(p => p.Outcome == AppealOutcomes.Overturned && p.DecidedAt >= since && p.DecidedAt < until)
            .OrderBy(p => p.DecidedAt)
            .Select(p => new FalsePositive(p.ViolationId, p.Violation.AuditId, p.Violation.Audit.Camera.Key, p.Violation.Audit.TakenAt,
                p.Violation.Audit.SnapshotPath, p.Violation.Audit.ModelId, p.Violation.Audit.ImageWidth, p.Violation.Audit.ImageHeight,
                p.Violation.Clause.Key, p.Violation.ZoneName, p.Violation.Label, p.Violation.Confidence,
                p.Violation.X1, p.Violation.Y1, p.Violation.X2, p.Violation.Y2, p.Reason, p.DecidedBy, p.DecidedAt, p.DecisionNote))
            .ToListAsync(ct);
    }

    private static readonly string[] FalsePositiveColumns =
        ["violation", "audit", "camera", "taken_at", "snapshot", "model", "image_width", "image_height", "clause", "zone", "label", "confidence",
         "x1", "y1", "x2", "y2", "appeal", "decided_by", "decided_at", "decision_note"];

    private static IEnumerable<object?> FalsePositiveCells(FalsePositive f) =>
        [f.Violation, f.Audit, f.Camera, f.TakenAt, f.SnapshotPath, f.ModelId, f.ImageWidth, f.ImageHeight, f.Clause, f.Zone, f.Label, f.Confidence,
         f.X1, f.Y1, f.X2, f.Y2, f.Appeal, f.DecidedBy, f.DecidedAt, f.DecisionNote];

    /// <summary>One audit's score as it counts now, its deductions per category and pillar, and each violation's state.</summary>
    public static async Task<object?> ScorecardAsync(DeskVisionDb db, long id, CancellationToken ct)
    {
        var audit = await db.Audits.AsNoTracking().Where(a => a.Id == id)
            .Select(a => new { a.Id, a.CameraId, a.Camera.WindowId, Window = a.Camera.Window.Name, a.TakenAt, a.Status, a.Score }).FirstOrDefaultAsync(ct);
        if (audit is null) return null;
        var violations = await db.AuditViolations.AsNoTracking().Where(v => v.AuditId == id).OrderBy(v => v.Id)
            .Select(v => new
            {
                v.Id, clause = v.Clause.Key, v.Clause.TitleZh, v.Clause.Category, v.Clause.Pillar, zone = v.ZoneName, v.Points, v.Reason,
                overturned = v.Appeal != null && v.Appeal.Outcome == AppealOutcomes.Overturned,
                v.ClosedAt, v.RectifiedByAuditId, v.ClosedBy, v.CloseNote,
                appeal = v.Appeal == null ? null : new { v.Appeal.Id, staff = v.Appeal.Staff == null ? null : v.Appeal.Staff.Name, v.Appeal.Reason, v.Appeal.FiledAt, v.Appeal.Outcome, v.Appeal.DecidedBy, v.Appeal.DecidedAt, v.Appeal.DecisionNote },
            }).ToListAsync(ct);
        var counted = violations.Where(v => !v.overturned).ToList();
        var onDuty = await OnDutyAsync(db, audit.WindowId, audit.TakenAt, ct);
        return new
        {
            audit.Id, audit.Window, audit.TakenAt, audit.Status,
            onDuty = onDuty?.Name ?? Rollups.NoOneOnRoster,
            scoredAs = audit.Score,
            score = audit.Status == AuditStatuses.Ok ? Math.Min(Scorecard.FullMarks, audit.Score + violations.Where(v => v.overturned).Sum(v => v.Points)) : (double?)null,
            pointsNote = MonthlyReport.PointsNote,
            categories = StandardFile.Categories.Select(c => new
            {
                category = c, points = counted.Where(v => v.Category == c).Sum(v => v.Points), violations = counted.Count(v => v.Category == c),
            }),
            pillars = Standard.SixPillars.Select(p => new
            {
                pillar = p, points = counted.Where(v => v.Pillar == p).Sum(v => v.Points), violations = counted.Count(v => v.Pillar == p),
            }),
            violations = violations.Select(v => new
            {
                v.Id, v.clause, v.TitleZh, v.Category, v.Pillar, v.zone, v.Points, v.Reason,
                state = State(v.overturned, v.ClosedAt, v.ClosedBy),
                v.ClosedAt, v.RectifiedByAuditId, v.ClosedBy, v.CloseNote,
                timeToRectify = v.ClosedAt is { } c ? (c - audit.TakenAt).ToString("c", CultureInfo.InvariantCulture) : null,
                v.appeal,
            }),
        };
    }

    public static string State(bool overturned, DateTimeOffset? closedAt, string? closedBy) =>
        overturned ? "overturned" : closedAt is null ? "open" : closedBy is null ? "rectified" : "closed";
}
