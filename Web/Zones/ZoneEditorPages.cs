using System.Text;
using System.Text.Json;
using DeskVision.Store;
using DeskVision.Web.Accounts;
using DeskVision.Web.Insights;
using DeskVision.Web.Resources;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;
using static DeskVision.Web.Views.Html;

namespace DeskVision.Web.Zones;

/// <summary>
/// <c>/cameras/{key}/zones</c>: the camera's latest snapshot with its zones, edited in the browser (script from the app),
/// saved as JSON to <c>PUT /api/cameras/{key}/zones</c>, which checks them like a camera file and answers every problem
/// with the zone it concerns. Without script the page still works: the zones as JSON in a form. Every change is written
/// to the audit log. Managers of the camera's hall and admins only.
/// </summary>
public static class ZoneEditorPages
{
    public sealed record ZonesBody(IReadOnlyList<ZoneEdits.ZoneInput>? Zones);

    public static void MapZoneEditor(this IEndpointRouteBuilder app)
    {
        app.MapGet(ZoneEditorScript.Path, () => Results.Text(ZoneEditorScript.Source, "text/javascript; charset=utf-8"));
        var group = app.MapGroup("").RequireAuthorization(Policies.Manager);
        group.MapGet("/cameras/{key}/zones", EditorPage);
        group.MapPost("/cameras/{key}/zones", SaveForm);
        group.MapGet("/api/cameras/{key}/zones", async (string key, CurrentUser user, DeskVisionDb db, CancellationToken ct) =>
            await FindAsync(db, user, key, ct) is { } c
                ? Results.Ok(new { camera = c.Key, window = c.Window.Name, kinds = ZoneKinds.Names, zones = c.Zones.OrderBy(z => z.Id).Select(z => new ZoneEdits.ZoneInput(z.Name, z.Kind, z.Polygon)) })
                : Results.NotFound());
        group.MapPut("/api/cameras/{key}/zones", SaveJson);
        group.MapPost("/api/cameras/{key}/zones", SaveJson);
    }

    private static Task<Camera?> FindAsync(DeskVisionDb db, CurrentUser user, string key, CancellationToken ct) =>
        db.Cameras.VisibleTo(user).Include(c => c.Window).ThenInclude(w => w.Site).Include(c => c.Zones).Include(c => c.References).FirstOrDefaultAsync(c => c.Key == key, ct);

    private static async Task<IResult> SaveJson(string key, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery,
        TimeProvider clock, CancellationToken ct)
    {
        var camera = await FindAsync(db, user, key, ct);
        if (camera is null) return Results.NotFound();
        if (!await PageParts.ValidTokenAsync(antiforgery, http))
            return Results.BadRequest(new { errors = new[] { new ZoneEdits.ZoneError(null, null, "token", t["Common.BadToken"]) } });
        ZonesBody? body;
        try { body = await http.Request.ReadFromJsonAsync<ZonesBody>(ZoneEdits.Web, ct); }
        catch (JsonException e) { return Results.BadRequest(new { errors = new[] { new ZoneEdits.ZoneError(null, null, "body", $"is not JSON of zones: {e.Message}") } }); }
        var (zones, errors) = ZoneEdits.Validate(camera, body?.Zones);
        if (zones is null) return Results.BadRequest(new { errors });
        await ZoneEdits.SaveAsync(db, camera, zones, user.UserName, clock.GetUtcNow(), ct);
        return Results.Ok(new { saved = true, zones = camera.Zones.OrderBy(z => z.Id).Select(z => new ZoneEdits.ZoneInput(z.Name, z.Kind, z.Polygon)) });
    }

    private static async Task<IResult> SaveForm(string key, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery,
        TimeProvider clock, CancellationToken ct)
    {
        var camera = await FindAsync(db, user, key, ct);
        if (camera is null) return Results.NotFound();
        if (!await PageParts.ValidTokenAsync(antiforgery, http)) return PageParts.BadToken(t);
        string json = (await http.Request.ReadFormAsync(ct))["zones"].ToString();
        IReadOnlyList<ZoneEdits.ZoneInput>? input;
        try { input = JsonSerializer.Deserialize<List<ZoneEdits.ZoneInput>>(json, ZoneEdits.Web); }
        catch (JsonException e)
        {
            return await RenderAsync(camera, user, t, http, db, antiforgery, json, [new ZoneEdits.ZoneError(null, null, "zones", $"is not JSON: {e.Message}")], ct);
        }
        var (zones, errors) = ZoneEdits.Validate(camera, input);
        if (zones is null) return await RenderAsync(camera, user, t, http, db, antiforgery, json, errors, ct);
        await ZoneEdits.SaveAsync(db, camera, zones, user.UserName, clock.GetUtcNow(), ct);
        return Results.Redirect($"/cameras/{Uri.EscapeDataString(key)}/zones?saved=1");
    }

    private static async Task<IResult> EditorPage(string key, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery,
        string? saved, CancellationToken ct)
    {
        var camera = await FindAsync(db, user, key, ct);
        if (camera is null) return Results.NotFound();
        return await RenderAsync(camera, user, t, http, db, antiforgery, null, [], ct, saved == "1");
    }

    private static async Task<IResult> RenderAsync(Camera camera, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery,
        string? submitted, IReadOnlyList<ZoneEdits.ZoneError> errors, CancellationToken ct, bool saved = false)
    {
        var latest = await db.Audits.AsNoTracking().VisibleTo(user, db)
            .Where(a => a.CameraId == camera.Id && a.SnapshotPath != null && a.ImageWidth > 0)
            .OrderByDescending(a => a.TakenAt).Select(a => new { a.Id, a.TakenAt, a.ImageWidth, a.ImageHeight }).FirstOrDefaultAsync(ct);
        var log = await db.AuditLog.AsNoTracking().Where(e => e.Subject == ZoneEdits.Subject(camera.Key) && e.Action == ZoneEdits.LogAction)
            .OrderByDescending(e => e.At).Take(10).ToListAsync(ct);
        int w = latest?.ImageWidth ?? 1600, hgt = latest?.ImageHeight ?? 900;
        string json = submitted ?? ZoneEdits.ToJson(camera.Zones);
        var words = new Dictionary<string, string>
        {
            ["unsaved"] = t["Zones.Unsaved"], ["saving"] = t["Zones.Saving"], ["saved"] = t["Zones.Saved"], ["notSaved"] = t["Zones.NotSaved"],
            ["remove"] = t["Zones.Remove"], ["points"] = t["Zones.Points"],
        };

        var h = new StringBuilder($"<h1>{E(t["Zones.Title"])} · {E(camera.Window.Name)} · {E(camera.Key)}</h1>");
        h.Append("""
            <style>
            #zone-editor svg.zones{touch-action:none;cursor:crosshair}#zone-editor .handle{cursor:move}#zone-editor .add-point{cursor:copy}
            #zone-editor polygon.zone{cursor:grab}#zone-list td{padding:.2rem .4rem}#zone-list tr.selected{background:#e3f2fd}
            #zone-list .error-cell{color:#c62828}.zone-tools{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center;margin:.6rem 0}
            #zone-editor:not(.scripted) .zone-tools{display:none}
            #zone-list{display:block;width:auto;max-width:100%;overflow-x:auto}#zone-list .zone-name{width:8em}#zone-list .zone-kind{width:7em}#zone-list td{vertical-align:top}
            #zone-list .error-cell{overflow-wrap:anywhere}
            </style>
            """);
        if (saved) h.Append($"<p class=flash>{E(t["Zones.Saved"])}</p>");
        h.Append($"<p class=muted>{E(t["Zones.Hint"])}</p>");
        h.Append($"<div id=zone-editor data-api='{E($"/api/cameras/{Uri.EscapeDataString(camera.Key)}/zones")}' data-kinds='{E(JsonSerializer.Serialize(ZoneKinds.Names))}' data-words='{E(JsonSerializer.Serialize(words))}'>");
        // The tools above the picture and the picture no taller than most of the screen: the whole picture stays in view
        // while editing, so a click on a tool never scrolls part of it under the sticky top bar, where a drag would miss.
        h.Append($"<div class=zone-tools><button type=button id=zone-add>{E(t["Zones.Add"])}</button><button type=button id=zone-save><b>{E(t["Zones.Save"])}</b></button><span id=zone-status></span></div>");
        h.Append($"<div class=evidence style='max-width:min(100%, calc(62vh * {w} / {hgt}))'>");
        h.Append(latest is null
            ? $"<svg viewBox='0 0 {w} {hgt}' style='position:static;background:#616161' width='{w}'><text x='40' y='80' fill='#fff' font-size='40'>{E(t["Zones.NoSnapshot"])}</text></svg>"
            : $"<img src='/evidence/audits/{latest.Id}' alt='snapshot' width='{w}' height='{hgt}'>");
        h.Append($"<svg class=zones viewBox='0 0 {w} {hgt}' data-width='{w}' data-height='{hgt}'>");
        foreach (var z in camera.Zones.OrderBy(z => z.Id))
            h.Append($"<polygon class=zone points='{string.Join(' ', z.Polygon.Select(p => $"{PageParts.N(p[0] * w, "0.#")},{PageParts.N(p[1] * hgt, "0.#")}"))}' fill='rgba(41,121,255,0.08)' stroke='#2979ff' stroke-width='{Math.Max(2, w / 300)}'><title>{E(z.Name)} ({E(z.Kind)})</title></polygon>");
        h.Append("</svg></div>");
        if (latest is not null) h.Append($"<p class=muted>{E(t.F("Zones.SnapshotOf", latest.TakenAt.ToString("yyyy-MM-dd HH:mm", PageParts.Inv)))} <a href='/review/{latest.Id}'>#{latest.Id}</a></p>");
        h.Append($"<table id=zone-list></table><ul id=zone-errors class=error{(errors.Count == 0 ? " hidden" : "")}>");
        foreach (var e in errors) h.Append($"<li>{E(e.Name is null ? "" : e.Name + " · ")}{E(e.Field)}: {E(e.Message)}</li>");
        h.Append($"</ul><details id=zone-json-box{(errors.Count > 0 ? " open" : "")}><summary>{E(t["Zones.Json"])}</summary>");
        h.Append($"<form method=post action='/cameras/{E(Uri.EscapeDataString(camera.Key))}/zones'>{PageParts.Token(antiforgery, http)}");
        h.Append($"<textarea id=zones-json name=zones rows=10 style='width:100%;font-family:monospace'>{E(json)}</textarea><button>{E(t["Zones.Save"])}</button></form></details></div>");
        if (log.Count > 0)
        {
            h.Append($"<h2>{E(t["Zones.History"])}</h2><ul id=zone-history>");
            foreach (var e in log) h.Append($"<li>{e.At:yyyy-MM-dd HH:mm} UTC · {E(e.Actor)} · {E(e.Details?.Split(" → ")[0])}</li>");
            h.Append("</ul>");
        }
        h.Append(ReferenceSection(camera, t, http, antiforgery));
        h.Append($"<script src='{ZoneEditorScript.Path}'></script>");
        var page = PageParts.Page(t["Zones.Title"], t, http.Request, user, h.ToString());
        return errors.Count == 0 ? page : Views.Html.WithStatus(page, StatusCodes.Status400BadRequest);
    }

    /// <summary>
    /// The camera's reference pictures with a button each to take it again from the live camera (the pause sign with the
    /// part of the picture to keep), and, when camera health found the camera moved, which ones are stale.
    /// </summary>
    private static string ReferenceSection(Camera camera, Text t, HttpContext http, IAntiforgery antiforgery)
    {
        var entries = ReferencePictures.List(AppSettings.ReferenceRoot, camera, CameraFiles.Complete(camera.ToLayout()).References);
        string key = Uri.EscapeDataString(camera.Key);
        var query = http.Request.Query;
        var h = new StringBuilder($"<h2 id=references>{E(t["Refs.Title"])}</h2><p class=muted>{E(t["Refs.Hint"])}</p>");
        if (camera.MovedAt is { } moved)
            h.Append($"<p class=error id=camera-moved>{E(t.F("Refs.Moved", moved.ToString("yyyy-MM-dd HH:mm", PageParts.Inv)))} {E(camera.MovedReason)}</p>");
        if (query["problem"].ToString() is { Length: > 0 } problem) h.Append($"<p class=error id=reference-problem>{E(problem)}</p>");
        else if (query["reference"].ToString() is { Length: > 0 } taken) h.Append($"<p class=flash id=reference-taken>{E(t.F("Refs.Taken", taken))}</p>");
        h.Append("<div class=cards id=reference-list>");
        foreach (string kind in ReferenceKinds.All)
        {
            var entry = entries.FirstOrDefault(e => e.Kind == kind);
            h.Append($"<div class=card data-kind='{kind}'><h3>{E(t["Refs.Kind." + kind])}</h3>");
            if (entry is null) h.Append($"<p class=muted>{E(t["Refs.None"])}</p>");
            else
            {
                h.Append($"<img src='/api/cameras/{key}/references/{kind}/image?at={entry.TakenAt.ToUnixTimeMilliseconds()}' alt='{kind}' style='max-width:100%'>");
                h.Append($"<p class=muted>{entry.TakenAt:yyyy-MM-dd HH:mm} UTC · {E(entry.TakenBy ?? t["Refs.FromFile"])}</p>");
                if (entry.Stale) h.Append($"<p class=failed data-stale=true>{E(t["Refs.Stale"])}</p>");
            }
            h.Append($"<form method=post action='/cameras/{key}/references/{kind}'>{PageParts.Token(antiforgery, http)}");
            if (kind == ReferenceKinds.PauseSign)
                h.Append($"<label class=muted>{E(t["Refs.Crop"])} <input name=crop size=18 value='{E(DefaultCrop(camera))}'></label> ");
            h.Append($"<button>{E(t["Refs.Take"])}</button></form></div>");
        }
        return h.Append("</div>").ToString();
    }

    /// <summary>Where to cut the pause sign from: the last crop, else the counter (desk zone) and the space above it, where a sign stands.</summary>
    private static string DefaultCrop(Camera camera)
    {
        if (camera.References.FirstOrDefault(r => r.Kind == ReferenceKinds.PauseSign)?.Crop is { Length: 4 } last)
            return string.Join(",", last.Select(v => v.ToString("0.###", PageParts.Inv)));
        var desk = camera.Zones.Where(z => z.Kind == ZoneKind.Desk.Name()).SelectMany(z => z.Polygon).ToList();
        if (desk.Count == 0) return "";
        double x1 = desk.Min(p => p[0]), y1 = desk.Min(p => p[1]), x2 = desk.Max(p => p[0]), y2 = desk.Max(p => p[1]);
        return string.Join(",", new[] { Math.Max(0, x1 - 0.05), Math.Max(0, y1 - 0.15), Math.Min(1, x2 + 0.05), y2 }.Select(v => v.ToString("0.###", PageParts.Inv)));
    }

}
