using DeskVision.Store;

namespace DeskVision.Web.Accounts;

/// <summary>
/// "Owner or admin" as one query filter per kind of record (as in davidfowl/TodoApi): every page and API endpoint that
/// lists or reads audits, violations, windows or cameras goes through these, so a staff member can never reach another's
/// record by id. Staff see the audits of the windows they were on duty at, while they were on duty (the roster).
/// </summary>
public static class Visibility
{
    public static IQueryable<Audit> VisibleTo(this IQueryable<Audit> audits, CurrentUser user, DeskVisionDb db) =>
        user.IsAdmin ? audits
        : user.IsManager ? audits.Where(a => user.SiteIds.Contains(a.Camera.Window.SiteId))
        : audits.Where(a => db.DutyShifts.Any(s => s.StaffId == user.StaffId && s.WindowId == a.Camera.WindowId && s.From <= a.TakenAt && a.TakenAt < s.To));

    public static IQueryable<AuditViolation> VisibleTo(this IQueryable<AuditViolation> violations, CurrentUser user, DeskVisionDb db) =>
        violations.Where(v => db.Audits.VisibleTo(user, db).Any(a => a.Id == v.AuditId));

    /// <summary>Windows a manager manages; for staff, the windows they have shifts at.</summary>
    public static IQueryable<Window> VisibleTo(this IQueryable<Window> windows, CurrentUser user, DeskVisionDb db) =>
        user.IsAdmin ? windows
        : user.IsManager ? windows.Where(w => user.SiteIds.Contains(w.SiteId))
        : windows.Where(w => db.DutyShifts.Any(s => s.StaffId == user.StaffId && s.WindowId == w.Id));

    /// <summary>Cameras are managed by admins and the hall's managers; staff do not list cameras.</summary>
    public static IQueryable<Camera> VisibleTo(this IQueryable<Camera> cameras, CurrentUser user) =>
        user.IsAdmin ? cameras
        : user.IsManager ? cameras.Where(c => user.SiteIds.Contains(c.Window.SiteId))
        : cameras.Where(_ => false);

    public static IQueryable<Site> VisibleTo(this IQueryable<Site> sites, CurrentUser user) =>
        user.IsAdmin ? sites : user.IsManager ? sites.Where(s => user.SiteIds.Contains(s.Id)) : sites.Where(_ => false);
}
