using DeskVision.Store;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Reports;

/// <summary>Why a request about a violation was refused: the field at fault, or a conflict with what was decided before.</summary>
public sealed class RefusedException(string field, string problem, bool conflict = false) : Exception(problem)
{
    public string Field { get; } = field;
    public bool Conflict { get; } = conflict;
}

/// <summary>
/// What people do with a violation after the camera found it: the staff member on duty appeals (申诉), a manager
/// upholds or overturns the appeal, or a manager closes the violation by hand (整改 seen to on the spot). Every
/// decision is kept with who, when and why. There are no accounts yet: names are recorded as given.
/// </summary>
public sealed class Appeals(DeskVisionDb db, TimeProvider clock)
{
    /// <summary>An appeal as the subject of an audit log entry.</summary>
    public static string Subject(long appealId) => $"appeal:{appealId}";

    public async Task<Appeal> FileAsync(long violationId, int staffId, string? reason, CancellationToken ct)
    {
        var v = await db.AuditViolations.Include(x => x.Appeal).Include(x => x.Audit).ThenInclude(a => a.Camera).ThenInclude(c => c.Window)
            .FirstOrDefaultAsync(x => x.Id == violationId, ct) ?? throw new KeyNotFoundException($"violation {violationId}");
        if (string.IsNullOrWhiteSpace(reason)) throw new RefusedException("reason", "say briefly why the violation is wrong");
        var staff = await db.Staff.FirstOrDefaultAsync(s => s.Id == staffId && s.SiteId == v.Audit.Camera.Window.SiteId, ct)
            ?? throw new RefusedException("staffId", "not a staff member of this violation's hall");
        if (v.Appeal is not null) throw new RefusedException("violation", $"violation {violationId} was already appealed (appeal {v.Appeal.Id})", conflict: true);
        // The violation is the on-duty staff member's to appeal; with no one on the roster, anyone of the hall may.
        var onDuty = await ViolationApi.OnDutyAsync(db, v.Audit.Camera.WindowId, v.Audit.TakenAt, ct);
        if (onDuty is not null && onDuty.Value.Id != staff.Id)
            throw new RefusedException("staffId", $"{onDuty.Value.Name} was on duty at that time; the appeal is theirs");
        var appeal = new Appeal { Violation = v, Staff = staff, Reason = reason.Trim(), FiledAt = clock.GetUtcNow() };
        db.Appeals.Add(appeal);
        await db.SaveChangesAsync(ct);
        return appeal;
    }

    public async Task<Appeal> DecideAsync(long appealId, string? outcome, string? by, string? note, CancellationToken ct)
    {
        var appeal = await db.Appeals.FirstOrDefaultAsync(p => p.Id == appealId, ct) ?? throw new KeyNotFoundException($"appeal {appealId}");
        if (outcome is not (AppealOutcomes.Upheld or AppealOutcomes.Overturned)) throw new RefusedException("outcome", "must be upheld or overturned");
        if (string.IsNullOrWhiteSpace(by)) throw new RefusedException("by", "the manager deciding, by name");
        if (string.IsNullOrWhiteSpace(note)) throw new RefusedException("note", "why: the decision is kept with its reason");
        if (appeal.Outcome is not null)
            throw new RefusedException("appeal", $"appeal {appealId} was already {appeal.Outcome} by {appeal.DecidedBy} at {appeal.DecidedAt:u}", conflict: true);
        appeal.Outcome = outcome;
        appeal.DecidedBy = by.Trim();
        appeal.DecidedAt = clock.GetUtcNow();
        appeal.DecisionNote = note.Trim();
        await db.SaveChangesAsync(ct);
        return appeal;
    }

    /// <summary>
    /// A manager reviewing an audit finds the detector wrong (误报): the violation is overturned at once, as a decided appeal
    /// would overturn it, so it drops out of every score and joins the false-positive list. No one appealed, so the
    /// appeal has no staff member; a pending appeal of the staff member is decided with it; a decided one is not reopened.
    /// </summary>
    public async Task<Appeal> MarkFalsePositiveAsync(long violationId, string? by, string? note, CancellationToken ct)
    {
        var v = await db.AuditViolations.Include(x => x.Appeal).FirstOrDefaultAsync(x => x.Id == violationId, ct) ?? throw new KeyNotFoundException($"violation {violationId}");
        if (string.IsNullOrWhiteSpace(by)) throw new RefusedException("by", "the manager deciding, by name");
        if (v.Appeal is { Outcome: not null } decided)
            throw new RefusedException("violation", $"violation {violationId} was already {decided.Outcome} by {decided.DecidedBy} at {decided.DecidedAt:u}", conflict: true);
        var now = clock.GetUtcNow();
        var appeal = v.Appeal ?? db.Appeals.Add(new Appeal { Violation = v, Reason = ReviewReason, FiledAt = now }).Entity;
        appeal.Outcome = AppealOutcomes.Overturned;
        appeal.DecidedBy = by.Trim();
        appeal.DecidedAt = now;
        appeal.DecisionNote = string.IsNullOrWhiteSpace(note) ? ReviewReason : note.Trim();
        await db.SaveChangesAsync(ct);
        return appeal;
    }

    /// <summary>The reason on the appeal a manager's review creates.</summary>
    public const string ReviewReason = "marked false positive on review 审核标记误报";

    /// <summary>Who pages name as the appellant of an appeal no staff member filed (a review's false positive).</summary>
    public const string ByReview = "manager review 管理审核";

    public async Task<AuditViolation> CloseAsync(long violationId, string? by, string? note, CancellationToken ct)
    {
        var v = await db.AuditViolations.FirstOrDefaultAsync(x => x.Id == violationId, ct) ?? throw new KeyNotFoundException($"violation {violationId}");
        if (string.IsNullOrWhiteSpace(by)) throw new RefusedException("by", "the manager closing it, by name");
        if (string.IsNullOrWhiteSpace(note)) throw new RefusedException("note", "say what was done: a violation is closed by hand with a note");
        if (v.ClosedAt is not null) throw new RefusedException("violation", $"violation {violationId} is already closed ({v.ClosedAt:u})", conflict: true);
        Rectification.CloseByHand(v, by.Trim(), note.Trim(), clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return v;
    }
}
