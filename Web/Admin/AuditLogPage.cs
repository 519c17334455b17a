using System.Text;
using DeskVision.Store;
using DeskVision.Web.Accounts;
using DeskVision.Web.Insights;
using DeskVision.Web.Resources;
using Microsoft.EntityFrameworkCore;
using static DeskVision.Web.Views.Html;

namespace DeskVision.Web.Admin;

/// <summary>
/// <c>/admin/audit-log</c>: who did what to what, and when, newest first, a page at a time, filtered by action. Admins
/// only: it names every account and every decision of every hall.
/// </summary>
public static class AuditLogPage
{
    public const string Path = "/admin/audit-log";
    public const int PageSize = 50;

    public static void MapAuditLogPage(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, Render).RequireAuthorization(Policies.Admin);

    private static async Task<IResult> Render(CurrentUser user, Text t, HttpContext http, DeskVisionDb db, string? action, int? page, CancellationToken ct)
    {
        int number = Math.Max(1, page ?? 1);
        var actions = await db.AuditLog.AsNoTracking().Select(e => e.Action).Distinct().OrderBy(a => a).ToListAsync(ct);
        var chosen = string.IsNullOrEmpty(action) ? db.AuditLog.AsNoTracking() : db.AuditLog.AsNoTracking().Where(e => e.Action == action);
        // One more than a page tells whether there is an older page, without counting the whole log.
        var entries = await chosen.OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Skip((number - 1) * PageSize).Take(PageSize + 1).ToListAsync(ct);
        bool older = entries.Count > PageSize;

        var h = new StringBuilder($"<h1>{E(t["Log.Title"])}</h1><p class=muted>{E(t["Log.Hint"])}</p>");
        h.Append($"<form class=dv-form method=get action='{Path}'><label>{E(t["Log.Action"])}<select name=action><option value=''>{E(t["Log.AllActions"])}</option>");
        foreach (string a in actions) h.Append($"<option{(a == action ? " selected" : "")}>{E(a)}</option>");
        h.Append($"</select></label><button>{E(t["Form.Show"])}</button></form>");
        h.Append($"<table id=audit-log><tr><th>{E(t["Log.At"])}</th><th>{E(t["Log.Actor"])}</th><th>{E(t["Log.Action"])}</th><th>{E(t["Log.Subject"])}</th><th>{E(t["Log.Details"])}</th></tr>");
        foreach (var e in entries.Take(PageSize))
            h.Append($"<tr><td>{e.At:yyyy-MM-dd HH:mm:ss}</td><td>{E(e.Actor)}</td><td>{E(e.Action)}</td><td>{E(e.Subject)}</td><td class=muted>{E(e.Details)}</td></tr>");
        if (entries.Count == 0) h.Append($"<tr><td colspan=5>{E(t["Log.Empty"])}</td></tr>");
        h.Append("</table><p class=dv-bar>");
        string Link(int p) => $"{Path}?page={p}" + (string.IsNullOrEmpty(action) ? "" : $"&action={Uri.EscapeDataString(action)}");
        if (number > 1) h.Append($"<a id=newer href='{E(Link(number - 1))}'>{E(t["Log.Newer"])}</a>");
        h.Append($"<span>{E(t.F("Log.Page", number))}</span>");
        if (older) h.Append($"<a id=older href='{E(Link(number + 1))}'>{E(t["Log.Older"])}</a>");
        h.Append("</p>");
        return PageParts.Page(t["Log.Title"], t, http.Request, user, h.ToString());
    }
}
