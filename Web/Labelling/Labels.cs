using DeskVision.Audits;
using System.Text.Json.Serialization;
using DeskVision.Store;
using DeskVision.Web.Accounts;
using DeskVision.Web.Audits;
using DeskVision.Web.Models;
using DeskVision.Web.Reports;
using DeskVision.Web.Review;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Labelling;

/// <summary>One box as the labelling page and its API exchange it: <c>box</c> is [x1, y1, x2, y2] in the picture's pixels.</summary>
public sealed record LabelBox(long? Id, string ClassName, float[] Box, string Source, string? By = null, DateTimeOffset? At = null);

/// <summary>What the page posts: the frame's boxes as they now stand, and whether the frame is done.</summary>
public sealed record LabelRequest(IReadOnlyList<LabelBox>? Labels, bool Done);

/// <summary>A frame's labels as stored (or, before anyone labelled it, the model's boxes as suggestions).</summary>
public sealed record LabelState(long? FrameId, long AuditId, int Width, int Height, bool Done, string? DoneBy, DateTimeOffset? DoneAt, bool HeldBack,
    IReadOnlyList<LabelBox> Labels, IReadOnlyList<LabelBox> Negatives, [property: JsonIgnore] IReadOnlyList<string> Classes);

/// <summary>
/// Labels on an audit's snapshot. The model's boxes are suggestions until someone keeps them; a confirmed violation's
/// box starts as accepted; a false positive's box becomes a negative wherever no label of its class covers it. Labels
/// are rows of their own: the audit's detections are never changed.
/// </summary>
public sealed class Labels(DeskVisionDb db, CurrentStandard standards, TrainingFolder training, TimeProvider clock)
{
    public const string Suggested = "suggested";
    /// <summary>The model's boxes shown as suggestions from this confidence (the detector's own floor is 0.20).</summary>
    public const float SuggestFrom = 0.25f;
    /// <summary>A label covers a false positive's box when it has its class and overlaps it this much.</summary>
    public const float CoversIoU = 0.5f;

    /// <summary>
    /// The site's class list: the detector labels the standard's rules use (in the standard's order, person first),
    /// then any other class the site's labels already use (a new class imported or trained).
    /// </summary>
    public async Task<IReadOnlyList<string>> ClassesAsync(int siteId, CancellationToken ct)
    {
        var (standard, _) = await standards.GetAsync(db, ct);
        var rules = PromotionRule.RuleClasses(standard, standards.Labels);
        var ordered = standard.Scored.SelectMany(c => c.Rules).SelectMany(r => r.Labels).Where(rules.Contains).Distinct().ToList();
        if (ordered.Remove("person")) ordered.Insert(0, "person");
        var used = await db.FrameLabels.Where(l => l.Frame.Camera.Window.SiteId == siteId && l.Source != LabelSources.Negative)
            .Select(l => l.ClassName).Distinct().ToListAsync(ct);
        return [.. ordered, .. used.Where(u => !ordered.Contains(u)).Order(StringComparer.Ordinal)];
    }

    public async Task<LabelState?> StateAsync(long auditId, CurrentUser user, CancellationToken ct)
    {
        var audit = await LoadAuditAsync(auditId, user, ct);
        if (audit is null) return null;
        var classes = await ClassesAsync(audit.Camera.Window.SiteId, ct);
        var frame = await db.LabelledFrames.AsNoTracking().Include(f => f.Labels).FirstOrDefaultAsync(f => f.AuditId == auditId, ct);
        if (frame is not null) return State(frame, classes);

        var confirmed = await ConfirmedAsync(audit, ct);
        var boxes = audit.Violations.Where(v => confirmed.Contains(v.Id) && v.Label is not null && classes.Contains(v.Label))
            .Select(v => new LabelBox(null, v.Label!, [v.X1, v.Y1, v.X2, v.Y2], LabelSources.Accepted)).ToList();
        foreach (var d in audit.Detections.Where(d => d.ClassId >= 0 && d.Confidence >= SuggestFrom && classes.Contains(d.Label)).OrderByDescending(d => d.Confidence))
        {
            var box = new Box(d.X1, d.Y1, d.X2, d.Y2);
            if (!boxes.Any(b => b.ClassName == d.Label && ToBox(b.Box).IoU(box) >= CoversIoU))
                boxes.Add(new LabelBox(null, d.Label, [d.X1, d.Y1, d.X2, d.Y2], Suggested));
        }
        var negatives = FalsePositives(audit).Select(v => new LabelBox(null, v.Label!, [v.X1, v.Y1, v.X2, v.Y2], LabelSources.Negative)).ToList();
        return new LabelState(null, auditId, audit.ImageWidth, audit.ImageHeight, false, null, null, false, boxes, negatives, classes);
    }

    /// <summary>Stores the frame's boxes as posted: unchanged rows stay (with who set them and when), changed ones are updated, missing ones deleted.</summary>
    public async Task<LabelState?> SaveAsync(long auditId, LabelRequest request, CurrentUser user, CancellationToken ct)
    {
        var audit = await LoadAuditAsync(auditId, user, ct);
        if (audit is null) return null;
        if (audit.ImageWidth <= 0 || audit.SnapshotPath is null) throw new RefusedException("audit", $"audit {auditId} has no picture to label");
        var classes = await ClassesAsync(audit.Camera.Window.SiteId, ct);
        var posted = request.Labels ?? [];
        for (int i = 0; i < posted.Count; i++) Check(posted[i], i, classes, audit.ImageWidth, audit.ImageHeight);

        var now = clock.GetUtcNow();
        string who = user.UserName;
        var frame = await db.LabelledFrames.Include(f => f.Labels).FirstOrDefaultAsync(f => f.AuditId == auditId, ct);
        if (frame is null)
        {
            var site = audit.Camera.Window.Site;
            var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(audit.TakenAt, Schedules.AuditScheduler.SiteZone(site)).DateTime);
            frame = new LabelledFrame
            {
                CameraId = audit.CameraId, AuditId = audit.Id, Width = audit.ImageWidth, Height = audit.ImageHeight, TakenAt = audit.TakenAt,
                HeldBack = TrainingFrames.IsHeldBack(audit.Camera.Key, day),
            };
            // The unblurred frame, when the site keeps them (training.keep_frames) and the audit path kept this one.
            if (KeptFrames.PathFor(audit.SnapshotPath) is { } kept && training.Resolve(kept) is not null) { frame.ImagePath = kept; frame.Unblurred = true; }
            db.LabelledFrames.Add(frame);
        }

        var positives = frame.Labels.Where(l => l.Source != LabelSources.Negative).ToDictionary(l => l.Id);
        var keep = new HashSet<long>();
        foreach (var p in posted)
        {
            if (p.Id is long id && positives.TryGetValue(id, out var row))
            {
                keep.Add(id);
                bool moved = Math.Abs(row.X1 - p.Box[0]) > 0.5 || Math.Abs(row.Y1 - p.Box[1]) > 0.5 || Math.Abs(row.X2 - p.Box[2]) > 0.5 || Math.Abs(row.Y2 - p.Box[3]) > 0.5;
                if (!moved && row.ClassName == p.ClassName) continue;
                (row.ClassName, row.X1, row.Y1, row.X2, row.Y2, row.By, row.At) = (p.ClassName, p.Box[0], p.Box[1], p.Box[2], p.Box[3], who, now);
                continue;
            }
            frame.Labels.Add(new FrameLabel
            {
                ClassName = p.ClassName, X1 = p.Box[0], Y1 = p.Box[1], X2 = p.Box[2], Y2 = p.Box[3],
                Source = p.Source == LabelSources.Drawn ? LabelSources.Drawn : LabelSources.Accepted, By = who, At = now,
            });
        }
        foreach (var gone in positives.Values.Where(l => !keep.Contains(l.Id))) frame.Labels.Remove(gone);
        db.FrameLabels.RemoveRange(frame.Labels.Where(l => l.Source == LabelSources.Negative).ToList());
        foreach (var n in frame.Labels.Where(l => l.Source == LabelSources.Negative).ToList()) frame.Labels.Remove(n);
        foreach (var v in FalsePositives(audit))
        {
            var box = new Box(v.X1, v.Y1, v.X2, v.Y2);
            if (!frame.Labels.Any(l => l.ClassName == v.Label && new Box(l.X1, l.Y1, l.X2, l.Y2).IoU(box) >= CoversIoU))
                frame.Labels.Add(new FrameLabel
                {
                    ClassName = v.Label!, X1 = v.X1, Y1 = v.Y1, X2 = v.X2, Y2 = v.Y2, Source = LabelSources.Negative,
                    By = v.Appeal?.DecidedBy ?? who, At = v.Appeal?.DecidedAt ?? now,
                });
        }
        if (request.Done) { frame.DoneBy = who; frame.DoneAt = now; }
        await db.SaveChangesAsync(ct);
        return State(frame, classes);
    }

    private static void Check(LabelBox p, int i, IReadOnlyList<string> classes, int width, int height)
    {
        if (string.IsNullOrWhiteSpace(p.ClassName) || !classes.Contains(p.ClassName))
            throw new RefusedException($"labels[{i}].className", $"label {i + 1}: '{p.ClassName}' is not one of the site's classes ({string.Join(", ", classes)})");
        if (p.Box is not { Length: 4 } b || b.Any(v => !float.IsFinite(v)))
            throw new RefusedException($"labels[{i}].box", $"label {i + 1}: box must be [x1, y1, x2, y2]");
        if (b[0] < -1 || b[1] < -1 || b[2] > width + 1 || b[3] > height + 1)
            throw new RefusedException($"labels[{i}].box", $"label {i + 1}: box [{string.Join(", ", b)}] leaves the {width}×{height} picture");
        if (b[2] - b[0] < 2 || b[3] - b[1] < 2)
            throw new RefusedException($"labels[{i}].box", $"label {i + 1}: box is smaller than 2×2 pixels (or x2 < x1)");
        if (p.Source is not (LabelSources.Drawn or LabelSources.Accepted or LabelSources.Imported or Suggested))
            throw new RefusedException($"labels[{i}].source", $"label {i + 1}: source must be drawn or accepted");
        for (int k = 0; k < 4; k++) b[k] = Math.Clamp(b[k], 0, k % 2 == 0 ? width : height);
    }

    private static LabelState State(LabelledFrame f, IReadOnlyList<string> classes) => new(f.Id, f.AuditId ?? 0, f.Width, f.Height, f.DoneAt is not null, f.DoneBy, f.DoneAt, f.HeldBack,
        f.Labels.Where(l => l.Source != LabelSources.Negative).OrderBy(l => l.Id).Select(ToBox).ToList(),
        f.Labels.Where(l => l.Source == LabelSources.Negative).OrderBy(l => l.Id).Select(ToBox).ToList(), classes);

    private static LabelBox ToBox(FrameLabel l) => new(l.Id, l.ClassName, [l.X1, l.Y1, l.X2, l.Y2], l.Source, l.By, l.At);
    private static Box ToBox(float[] b) => new(b[0], b[1], b[2], b[3]);

    private static IEnumerable<AuditViolation> FalsePositives(Audit audit) =>
        audit.Violations.Where(v => v.Label is not null && v.Appeal is { Outcome: AppealOutcomes.Overturned } && v.X2 > v.X1 && v.Y2 > v.Y1);

    private async Task<HashSet<long>> ConfirmedAsync(Audit audit, CancellationToken ct)
    {
        var subjects = audit.Violations.Select(v => ReviewPages.Subject(v.Id)).ToList();
        var confirmed = await db.AuditLog.Where(e => e.Action == ReviewPages.ConfirmAction && subjects.Contains(e.Subject)).Select(e => e.Subject).ToListAsync(ct);
        return audit.Violations.Where(v => confirmed.Contains(ReviewPages.Subject(v.Id))).Select(v => v.Id).ToHashSet();
    }

    /// <summary>The audit, if the user manages its hall (managers of the hall and admins label; staff do not).</summary>
    private async Task<Audit?> LoadAuditAsync(long auditId, CurrentUser user, CancellationToken ct)
    {
        var audit = await db.Audits.AsNoTracking().Include(a => a.Camera).ThenInclude(c => c.Window).ThenInclude(w => w.Site)
            .Include(a => a.Detections).Include(a => a.Violations).ThenInclude(v => v.Appeal)
            .AsSplitQuery().FirstOrDefaultAsync(a => a.Id == auditId, ct);
        return audit is not null && user.ManagesSite(audit.Camera.Window.SiteId) ? audit : null;
    }
}
