using DeskVision.Store;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Audits;

/// <summary>
/// 整改 by later audits. A violation is rectified by the first later ok audit of the same camera that no longer shows
/// its clause in its zone, provided that audit's standard still checks the clause (an audit that did not look cannot
/// say the condition is gone). "Shows" means the rule found the condition on that snapshot, reported or not: a rule
/// that needs K snapshots in a row finds it on the first frames of a new run without reporting it yet, and such a frame
/// proves the condition is still there. Runs inside <see cref="AuditWriter.SaveAsync"/>, before its single SaveChanges, so an
/// audit and the rectifications it causes commit together or not at all.
/// </summary>
public static class Rectification
{
    /// <param name="audit">The new audit, tracked but not saved yet; its Violations in the same order as <paramref name="violations"/>.</param>
    /// <param name="violations">The clause and zone of each of its violations.</param>
    /// <param name="shown">Every condition the audit saw, its violations' and those a rule over K snapshots saw on this frame
    /// without reporting them yet (<see cref="AuditResult.Seen"/>): none of these is rectified by this audit.</param>
    public static async Task ApplyAsync(DeskVisionDb db, Audit audit, IReadOnlyList<Condition> violations, IReadOnlySet<Condition> shown, CancellationToken ct)
    {
        if (audit.Status != AuditStatuses.Ok || audit.StandardVersionId is not int standardId) return;
        var checks = await ActiveClauseKeysAsync(db, [standardId], ct);
        await CloseEarlierAsync(db, audit, shown, checks[standardId], ct);
        await CloseOwnAsync(db, audit, violations, ct);
    }

    /// <summary>
    /// Earlier violations of this camera that this audit no longer shows. Those rectified by an audit taken after this one
    /// (stored before it: bursts and retries arrive out of order) are moved to this, the earlier rectifier.
    /// Violations a manager closed by hand stay as the manager left them.
    /// </summary>
    private static async Task CloseEarlierAsync(DeskVisionDb db, Audit audit, IReadOnlySet<Condition> shown, HashSet<string> checks, CancellationToken ct)
    {
        var candidates = await db.AuditViolations
            .Include(v => v.Clause)
            .Where(v => v.Audit.CameraId == audit.CameraId && v.Audit.TakenAt < audit.TakenAt && v.ClosedBy == null
                        && (v.ClosedAt == null || v.RectifiedByAudit!.TakenAt > audit.TakenAt))
            .ToListAsync(ct);
        foreach (var v in candidates)
        {
            if (!checks.Contains(v.Clause.Key) || shown.Contains(new Condition(v.Clause.Key, v.ZoneName))) continue;
            v.RectifiedByAudit = audit; // EF sets RectifiedByAuditId when the new audit gets its id
            v.ClosedAt = audit.TakenAt;
        }
    }

    /// <summary>This audit's own violations, when a later audit is already stored (an out-of-order arrival).</summary>
    private static async Task CloseOwnAsync(DeskVisionDb db, Audit audit, IReadOnlyList<Condition> violations, CancellationToken ct)
    {
        if (violations.Count == 0) return;
        var later = await db.Audits.AsNoTracking()
            .Where(a => a.CameraId == audit.CameraId && a.TakenAt > audit.TakenAt && a.Status == AuditStatuses.Ok && a.StandardVersionId != null)
            .OrderBy(a => a.TakenAt)
            .Select(a => new { a.Id, a.TakenAt, StandardVersionId = a.StandardVersionId!.Value, a.ConditionsSeen, Shown = a.Violations.Select(v => new { v.Clause.Key, v.ZoneName }).ToList() })
            .ToListAsync(ct);
        if (later.Count == 0) return;
        var checks = await ActiveClauseKeysAsync(db, later.Select(a => a.StandardVersionId).Distinct().ToList(), ct);
        for (int i = 0; i < violations.Count; i++)
        {
            var condition = violations[i];
            var rectifier = later.FirstOrDefault(a => checks[a.StandardVersionId].Contains(condition.ClauseId)
                                                      && !a.Shown.Any(s => s.Key == condition.ClauseId && s.ZoneName == condition.ZoneName)
                                                      && !a.ConditionsSeen.Any(s => s[0] == condition.ClauseId && s[1] == condition.ZoneName));
            if (rectifier is null) continue;
            audit.Violations[i].RectifiedByAuditId = rectifier.Id;
            audit.Violations[i].ClosedAt = rectifier.TakenAt;
        }
    }

    private static async Task<Dictionary<int, HashSet<string>>> ActiveClauseKeysAsync(DeskVisionDb db, IReadOnlyCollection<int> versionIds, CancellationToken ct)
    {
        var rows = await db.Clauses.AsNoTracking().Where(c => versionIds.Contains(c.StandardVersionId) && c.Active)
            .Select(c => new { c.StandardVersionId, c.Key }).ToListAsync(ct);
        return versionIds.ToDictionary(id => id, id => rows.Where(r => r.StandardVersionId == id).Select(r => r.Key).ToHashSet());
    }

    /// <summary>A manager closes an open violation by hand (rectified on the spot, or not a camera matter), with a note.</summary>
    public static void CloseByHand(AuditViolation violation, string manager, string note, DateTimeOffset now)
    {
        if (violation.ClosedAt is not null) throw new InvalidOperationException($"violation {violation.Id} is already closed");
        violation.ClosedAt = now;
        violation.ClosedBy = manager;
        violation.CloseNote = note;
    }
}
