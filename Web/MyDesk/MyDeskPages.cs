using DeskVision.Store;
using DeskVision.Web.Accounts;
using DeskVision.Web.Insights;
using DeskVision.Web.Reports;
using DeskVision.Web.Resources;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.MyDesk;

/// <summary>
/// "My desk" (<c>/me</c>, the page is <c>MyDeskPage.razor</c>): what the duty roster attributes to the signed-in staff
/// member, through the visibility filters, and the appeal its forms post.
/// </summary>
public static class MyDeskPages
{
    public const int HistoryDays = 30, TrendWeeks = 12;

    public static void MapMyDesk(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/me").RequireAuthorization(Policies.SignedIn);
        group.MapPost("/appeals", Appeal);
    }

    /// <summary>My audits: what I may see and, whatever my role, only while I was on duty.</summary>
    public static IQueryable<Audit> Mine(DeskVisionDb db, CurrentUser user) =>
        db.Audits.AsNoTracking().VisibleTo(user, db)
            .Where(a => db.DutyShifts.Any(s => s.StaffId == user.StaffId && s.WindowId == a.Camera.WindowId && s.From <= a.TakenAt && a.TakenAt < s.To));

    public static IQueryable<AuditViolation> MyViolations(DeskVisionDb db, CurrentUser user) =>
        db.AuditViolations.AsNoTracking().VisibleTo(user, db)
            .Where(v => v.Audit.Status == AuditStatuses.Ok
                        && db.DutyShifts.Any(s => s.StaffId == user.StaffId && s.WindowId == v.Audit.Camera.WindowId && s.From <= v.Audit.TakenAt && v.Audit.TakenAt < s.To));

    private static async Task<IResult> Appeal(CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery, TimeProvider clock, CancellationToken ct)
    {
        if (!await PageParts.ValidTokenAsync(antiforgery, http)) return PageParts.BadToken(t);
        if (user.StaffId is not int staffId) return Results.Forbid();
        var form = await http.Request.ReadFormAsync(ct);
        if (!long.TryParse(form["violation"], out long id)) return Results.BadRequest();
        // Only a violation of one's own shifts: another's is "not found", whoever asks.
        if (!await MyViolations(db, user).AnyAsync(v => v.Id == id, ct)) return Results.NotFound();
        try { await new Appeals(db, clock).FileAsync(id, staffId, form["reason"], ct); }
        catch (RefusedException e) { return Results.Redirect($"/me?problem={Uri.EscapeDataString(e.Field)}"); }
        return Results.Redirect($"/me?done=appeal#violation-{id}");
    }
}
