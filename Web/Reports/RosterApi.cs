using DeskVision.Store;
using DeskVision.Web.Accounts;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Reports;

/// <summary>
/// The duty roster (排班) as data: list, add and remove shifts. A window has one person on duty at a time and a person
/// sits at one window at a time, so overlapping shifts are refused rather than left for attribution to guess between.
/// </summary>
public static class RosterApi
{
    public sealed record ShiftInput(int? StaffId, int? WindowId, DateTimeOffset? From, DateTimeOffset? To);
    public const string AddAction = "roster.add", RemoveAction = "roster.remove";

    /// <summary>A shift as the subject of an audit log entry: who sat where changes who past violations belong to.</summary>
    public static string Subject(long shiftId) => $"shift:{shiftId}";

    public static void MapRosterApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/roster");
        // A manager sees and changes the roster of their own halls' windows only.
        api.MapGet("/", async (Accounts.CurrentUser user, DeskVisionDb db, int? window, int? staff, DateTimeOffset? from, DateTimeOffset? to, TimeProvider clock, CancellationToken ct) =>
        {
            var since = (from ?? clock.GetUtcNow().AddDays(-7)).ToUniversalTime();
            var until = (to ?? clock.GetUtcNow().AddDays(7)).ToUniversalTime();
            return await db.DutyShifts.AsNoTracking()
                .Where(s => db.Windows.VisibleTo(user, db).Any(w => w.Id == s.WindowId))
                .Where(s => s.To > since && s.From < until && (window == null || s.WindowId == window) && (staff == null || s.StaffId == staff))
                .OrderBy(s => s.From).ThenBy(s => s.Window.Name)
                .Select(s => new { s.Id, staffId = s.StaffId, staff = s.Staff.Name, windowId = s.WindowId, window = s.Window.Name, s.From, s.To, s.Source })
                .Take(2000).ToListAsync(ct);
        });

        api.MapPost("/", async (ShiftInput input, Accounts.CurrentUser user, DeskVisionDb db, TimeProvider clock, CancellationToken ct) =>
        {
            var added = await AddAsync(input, user, db, clock, ct);
            if (added.Errors is { } errors) return Results.ValidationProblem(errors);
            if (added.Conflict is { } problem) return Results.Conflict(new { problem });
            var shift = added.Shift!;
            return Results.Created($"/api/roster/{shift.Id}", new { shift.Id, staff = shift.Staff.Name, window = shift.Window.Name, shift.From, shift.To });
        });

        api.MapDelete("/{id:long}", async (long id, Accounts.CurrentUser user, DeskVisionDb db, TimeProvider clock, CancellationToken ct) =>
            await RemoveAsync(id, user, db, clock, ct) ? Results.NoContent() : Results.NotFound());
    }

    /// <summary>A shift added, or why not: fields with their problems, or the shift it overlaps.</summary>
    public sealed record Added(DutyShift? Shift, IDictionary<string, string[]>? Errors = null, string? Conflict = null);

    /// <summary>Adds a shift at a window the user may see, unless it overlaps one of the window's or the person's; logged.</summary>
    public static async Task<Added> AddAsync(ShiftInput input, Accounts.CurrentUser user, DeskVisionDb db, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var staff = await db.Staff.FirstOrDefaultAsync(s => s.Id == input.StaffId, ct);
        var window = await db.Windows.VisibleTo(user, db).FirstOrDefaultAsync(w => w.Id == input.WindowId, ct);
        if (staff is null) errors["staffId"] = ["no such staff member"];
        if (window is null) errors["windowId"] = ["no such window"];
        if (staff is not null && window is not null && staff.SiteId != window.SiteId) errors["windowId"] = ["the window is in another hall than the staff member"];
        if (input.From is null || input.To is null || input.To <= input.From) errors["to"] = ["a shift needs from and a later to"];
        if (errors.Count > 0) return new(null, errors);
        var (from, to) = (input.From!.Value.ToUniversalTime(), input.To!.Value.ToUniversalTime());
        var clash = await db.DutyShifts.AsNoTracking()
            .Where(s => (s.WindowId == window!.Id || s.StaffId == staff!.Id) && s.From < to && s.To > from)
            .Select(s => new { s.Id, staff = s.Staff.Name, window = s.Window.Name, s.From, s.To }).FirstOrDefaultAsync(ct);
        if (clash is not null)
            return new(null, Conflict: $"overlaps shift {clash.Id}: {clash.staff} at {clash.window} {clash.From:u} – {clash.To:u}");
        var shift = new DutyShift { StaffId = staff!.Id, Staff = staff, WindowId = window!.Id, Window = window, From = from, To = to, Source = DutyShiftSources.Api };
        db.DutyShifts.Add(shift);
        await db.SaveChangesAsync(ct); // the id first: it is the log entry's subject
        db.AuditLog.Add(new AuditLogEntry { At = clock.GetUtcNow(), Actor = user.UserName, Action = AddAction, Subject = Subject(shift.Id),
            Details = $"{staff.Name} at {window.Name} {from:u} – {to:u}" });
        await db.SaveChangesAsync(ct);
        return new(shift);
    }

    /// <summary>Removes a shift at a window the user may see; logged. Removing one changes who past violations belong to:
    /// attribution is read from the roster at query time.</summary>
    public static async Task<bool> RemoveAsync(long id, Accounts.CurrentUser user, DeskVisionDb db, TimeProvider clock, CancellationToken ct)
    {
        var shift = await db.DutyShifts.Include(s => s.Staff).Include(s => s.Window)
            .Where(s => db.Windows.VisibleTo(user, db).Any(w => w.Id == s.WindowId)).FirstOrDefaultAsync(s => s.Id == id, ct);
        if (shift is null) return false;
        db.DutyShifts.Remove(shift);
        db.AuditLog.Add(new AuditLogEntry { At = clock.GetUtcNow(), Actor = user.UserName, Action = RemoveAction, Subject = Subject(id),
            Details = $"{shift.Staff.Name} at {shift.Window.Name} {shift.From:u} – {shift.To:u}" });
        await db.SaveChangesAsync(ct);
        return true;
    }
}
