using System.Text;
using DeskVision.Store;
using DeskVision.Web.Accounts;
using DeskVision.Web.Insights;
using DeskVision.Web.Resources;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;
using static DeskVision.Web.Views.Html;

namespace DeskVision.Web.Notifications;

/// <summary>
/// <c>/sites/{key}/webhooks</c>: a hall's notification webhooks (generic JSON, WeCom or DingTalk group robot), added,
/// tested, switched off and removed by the hall's managers; every change goes to the audit log. Robot URLs carry their
/// secret key in the query, so lists show them without it.
/// </summary>
public static class WebhookPages
{
    public const string LogAction = "site.webhook";
    public static readonly IReadOnlyList<string> Formats = [WebhookFormats.Json, WebhookFormats.WeCom, WebhookFormats.DingTalk];

    /// <summary>The webhook pages (the scan that sends is on the schedule: <see cref="Hosting.RecurringJobs"/>).</summary>
    public static void MapNotifications(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/sites/{key}/webhooks").RequireAuthorization(Policies.Manager);
        group.MapGet("", ListPage);
        group.MapPost("", Add);
        group.MapPost("/{id:int}/test", SendTest);
        group.MapPost("/{id:int}/enabled", Toggle);
        group.MapPost("/{id:int}/delete", Delete);
    }

    private static Task<Site?> SiteAsync(DeskVisionDb db, CurrentUser user, string key, CancellationToken ct) =>
        db.Sites.VisibleTo(user).FirstOrDefaultAsync(s => s.Key == key, ct);

    private static async Task<IResult> ListPage(string key, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery,
        string? message, string? problem, string? field, CancellationToken ct)
    {
        var site = await SiteAsync(db, user, key, ct);
        if (site is null) return Results.NotFound();
        var hooks = await db.SiteWebhooks.AsNoTracking().Where(h => h.SiteId == site.Id).OrderBy(h => h.Id).ToListAsync(ct);
        var sent = await db.AuditLog.AsNoTracking().Where(e => e.Actor == NotificationScan.Actor && e.Details != null)
            .Where(e => db.Cameras.Any(c => c.Window.SiteId == site.Id && e.Subject == "camera:" + c.Key)
                        || db.AuditViolations.Any(v => v.Audit.Camera.Window.SiteId == site.Id && e.Subject == "violation:" + v.Id.ToString()))
            .OrderByDescending(e => e.At).Take(20).ToListAsync(ct);
        string token = PageParts.Token(antiforgery, http);
        string path = $"/sites/{Uri.EscapeDataString(site.Key)}/webhooks";

        var h = new StringBuilder($"<h1>{E(t["Hooks.Title"])} · {E(site.Name)}</h1>");
        if (!string.IsNullOrEmpty(message)) h.Append($"<p class=flash>{E(message)}</p>");
        if (!string.IsNullOrEmpty(problem)) h.Append($"<p class=error id=problem data-field='{E(field)}'>{E(problem)}</p>");
        h.Append($"<p class=muted>{E(t["Hooks.Hint"])}</p>");
        h.Append($"<table id=webhooks><tr><th>URL</th><th>{E(t["Hooks.Format"])}</th><th>{E(t["Review.State"])}</th><th></th></tr>");
        foreach (var hook in hooks)
            h.Append($"<tr><td><code>{E(WebhookSender.Redact(hook.Url))}</code></td><td>{E(t["Hooks.Format." + hook.Format])}</td>" +
                     $"<td>{E(hook.Enabled ? t["Hooks.On"] : t["Hooks.Off"])}</td><td style='display:flex;gap:.4rem'>" +
                     $"<form method=post action='{path}/{hook.Id}/test'>{token}<button>{E(t["Hooks.Test"])}</button></form>" +
                     $"<form method=post action='{path}/{hook.Id}/enabled'>{token}<input type=hidden name=enabled value='{(!hook.Enabled).ToString().ToLowerInvariant()}'><button>{E(hook.Enabled ? t["Hooks.TurnOff"] : t["Hooks.TurnOn"])}</button></form>" +
                     $"<form method=post action='{path}/{hook.Id}/delete'>{token}<button>{E(t["Zones.Remove"])}</button></form></td></tr>");
        if (hooks.Count == 0) h.Append($"<tr><td colspan=4>{E(t["Common.None"])}</td></tr>");
        h.Append($"</table><h2>{E(t["Hooks.Add"])}</h2><form method=post action='{path}' class=dv-form>{token}" +
                 $"<label>{E(t["Hooks.Url"])}<input name=url type=url required maxlength={WebhookTargets.MaxUrlLength} size=60{(field == "url" ? " aria-invalid=true aria-describedby=problem" : "")} placeholder='https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…'></label>" +
                 $"<label>{E(t["Hooks.Format"])}<select name=format{(field == "format" ? " aria-invalid=true aria-describedby=problem" : "")}>{string.Concat(Formats.Select(f => $"<option value='{f}'>{E(t["Hooks.Format." + f])}</option>"))}</select></label>" +
                 $"<button>{E(t["Hooks.Add"])}</button></form>");
        h.Append($"<h2>{E(t["Hooks.Sent"])}</h2><ul id=notices-sent>");
        foreach (var e in sent) h.Append($"<li>{e.At:yyyy-MM-dd HH:mm} UTC · {E(e.Action)} · {E(e.Details)}</li>");
        if (sent.Count == 0) h.Append($"<li>{E(t["Common.None"])}</li>");
        h.Append("</ul>");
        return PageParts.Page(t["Hooks.Title"], t, http.Request, user, h.ToString());
    }

    private static string Back(Site site, string? message = null, string? problem = null, string? field = null) =>
        $"/sites/{Uri.EscapeDataString(site.Key)}/webhooks" + (message is not null ? $"?message={Uri.EscapeDataString(message)}"
            : problem is not null ? $"?problem={Uri.EscapeDataString(problem)}" + (field is null ? "" : $"&field={Uri.EscapeDataString(field)}") : "");

    /// <summary>A refused field: its label first, so the manager sees which one is wrong.</summary>
    private static string FieldProblem(Text t, string labelKey, string problem) => t.F("Common.FieldProblem", t[labelKey], problem);

    private static void Log(DeskVisionDb db, CurrentUser user, TimeProvider clock, Site site, string what) =>
        db.AuditLog.Add(new AuditLogEntry { At = clock.GetUtcNow(), Actor = user.UserName, Action = LogAction, Subject = $"site:{site.Key}", Details = what });

    private static async Task<IResult> Add(string key, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery, TimeProvider clock,
        WebhookTargets targets, ILogger<WebhookTargets> log, CancellationToken ct)
    {
        var site = await SiteAsync(db, user, key, ct);
        if (site is null) return Results.NotFound();
        if (!await PageParts.ValidTokenAsync(antiforgery, http)) return PageParts.BadToken(t);
        var form = await http.Request.ReadFormAsync(ct);
        string url = form["url"].ToString().Trim(), format = form["format"].ToString();
        if (await targets.CheckAsync(url, resolve: true, ct) is { } refused)
        {
            // Someone probing for the metadata service is worth a line in the log; a typo is not.
            if (refused.Problem == WebhookUrlProblem.Kind.Blocked)
                log.LogWarning("Webhook for site {Site} refused: {User} gave a URL at {Address}, a blocked network", site.Key, user.UserName, refused.Address);
            string problem = refused.Problem == WebhookUrlProblem.Kind.Blocked ? t.F("Hooks.Blocked", refused.Address) : t["Hooks.BadUrl"];
            return Results.Redirect(Back(site, problem: FieldProblem(t, "Hooks.Url", problem), field: "url"));
        }
        if (!Formats.Contains(format)) return Results.Redirect(Back(site, problem: FieldProblem(t, "Hooks.Format", t["Hooks.BadFormat"]), field: "format"));
        db.SiteWebhooks.Add(new SiteWebhook { SiteId = site.Id, Url = url, Format = format });
        Log(db, user, clock, site, $"added {format} {WebhookSender.Redact(url)}");
        await db.SaveChangesAsync(ct);
        return Results.Redirect(Back(site, message: t["Hooks.Added"]));
    }

    private static async Task<(Site? Site, SiteWebhook? Hook, IResult? Problem)> FindAsync(string key, int id, CurrentUser user, Text t, HttpContext http,
        DeskVisionDb db, IAntiforgery antiforgery, CancellationToken ct)
    {
        var site = await SiteAsync(db, user, key, ct);
        var hook = site is null ? null : await db.SiteWebhooks.FirstOrDefaultAsync(h => h.Id == id && h.SiteId == site.Id, ct);
        if (hook is null) return (null, null, Results.NotFound());
        if (!await PageParts.ValidTokenAsync(antiforgery, http)) return (null, null, PageParts.BadToken(t));
        return (site, hook, null);
    }

    private static async Task<IResult> SendTest(string key, int id, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery,
        IHttpClientFactory clients, TimeProvider clock, CancellationToken ct)
    {
        var (site, hook, problem) = await FindAsync(key, id, user, t, http, db, antiforgery, ct);
        if (problem is not null) return problem;
        var notice = new Notice("test", site!.Key, site.Name, t["Hooks.TestTitle"], [(t["Notify.Site"], site.Name), (t["Hooks.SentBy"], user.DisplayName)],
            clock.GetUtcNow(), null, new Dictionary<string, object?> { ["by"] = user.UserName });
        try
        {
            await WebhookSender.PostAsync(clients.CreateClient(WebhookClient.Name), hook!, WebhookPayloads.Build(hook!.Format, notice), ct);
            return Results.Redirect(Back(site, message: t["Hooks.TestSent"]));
        }
        catch (WebhookException e) { return Results.Redirect(Back(site, problem: e.Message)); }
    }

    private static async Task<IResult> Toggle(string key, int id, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery, TimeProvider clock, CancellationToken ct)
    {
        var (site, hook, problem) = await FindAsync(key, id, user, t, http, db, antiforgery, ct);
        if (problem is not null) return problem;
        hook!.Enabled = (await http.Request.ReadFormAsync(ct))["enabled"] == "true";
        Log(db, user, clock, site!, $"{(hook.Enabled ? "enabled" : "disabled")} {hook.Format} {WebhookSender.Redact(hook.Url)}");
        await db.SaveChangesAsync(ct);
        return Results.Redirect(Back(site!));
    }

    private static async Task<IResult> Delete(string key, int id, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery, TimeProvider clock, CancellationToken ct)
    {
        var (site, hook, problem) = await FindAsync(key, id, user, t, http, db, antiforgery, ct);
        if (problem is not null) return problem;
        db.SiteWebhooks.Remove(hook!);
        Log(db, user, clock, site!, $"removed {hook!.Format} {WebhookSender.Redact(hook.Url)}");
        await db.SaveChangesAsync(ct);
        return Results.Redirect(Back(site!));
    }
}
