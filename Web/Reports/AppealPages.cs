using DeskVision.Web.Accounts;
using DeskVision.Web.Views;
using Microsoft.AspNetCore.Antiforgery;
using System.Globalization;
using System.Text;
using DeskVision.Store;
using Microsoft.EntityFrameworkCore;
using static DeskVision.Web.Views.Html;

namespace DeskVision.Web.Reports;

/// <summary>
/// The decision the appeal queue's forms post (<c>AppealQueuePage</c>): uphold or overturn, with a note, logged with
/// the manager's name. The staff member's own page is <c>StaffAppealsPage</c>.
/// </summary>
public static class AppealPages
{
    public static void MapAppealPages(this IEndpointRouteBuilder app)
    {
        app.MapPost("/appeals/{id:long}/decision", DecideFromForm).RequireAuthorization(Policies.Manager);
    }

    /// <summary>Forms post with the anti-forgery token; a form without it (another site's page) is refused.</summary>
    private static async Task<bool> ValidFormAsync(HttpContext http, IAntiforgery antiforgery)
    {
        try { await antiforgery.ValidateRequestAsync(http); return true; }
        catch (AntiforgeryValidationException) { return false; }
    }

    private static async Task<IResult> DecideFromForm(long id, CurrentUser user, HttpContext http, IAntiforgery antiforgery, HttpRequest request,
        DeskVisionDb db, TimeProvider clock, CancellationToken ct)
    {
        if (!await ValidFormAsync(http, antiforgery)) return Results.BadRequest(new { problem = "the form is stale or not from this site; reload the page" });
        if (!await db.Appeals.AnyAsync(p => p.Id == id && db.AuditViolations.VisibleTo(user, db).Any(v => v.Id == p.ViolationId), ct)) return Results.NotFound();
        var form = await request.ReadFormAsync(ct);
        string done;
        try
        {
            var appeal = await new Appeals(db, clock).DecideAsync(id, form["outcome"], user.DisplayName, form["note"], ct);
            db.AuditLog.Add(new AuditLogEntry { At = clock.GetUtcNow(), Actor = user.UserName, Action = $"appeal.{appeal.Outcome}", Subject = Appeals.Subject(id),
                Details = $"violation {appeal.ViolationId}: {form["note"]}" });
            await db.SaveChangesAsync(ct);
            done = appeal.Outcome ?? "refused";
        }
        catch (RefusedException) { done = "refused"; }
        catch (KeyNotFoundException) { return Results.NotFound(); }
        return Results.Redirect($"/appeals?done={done}#appeal-{id}");
    }
}
