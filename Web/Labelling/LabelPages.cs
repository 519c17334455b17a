using DeskVision.Audits;
using System.Text.Json;
using DeskVision.Store;
using DeskVision.Web.Accounts;
using DeskVision.Web.Audits;
using DeskVision.Web.Insights;
using DeskVision.Web.Reports;
using DeskVision.Web.Resources;
using DeskVision.Web.Views;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Labelling;

/// <summary>
/// Labelling (issue 15): <c>/label</c> lists the frames worth labelling first, <c>/label/{auditId}</c> is the editor
/// over an audit's picture, <c>/api/label/{auditId}</c> reads and stores its labels as JSON (anti-forgery token in the
/// <c>RequestVerificationToken</c> header). Managers of the hall and admins label.
/// </summary>
public static class LabelPages
{
    public const string ScriptPath = "/assets/label-editor.js";
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    /// <summary>A model score this close to a rule's threshold means the model was unsure whether the rule fires.</summary>
    public const double Unsure = 0.15;

    public static void MapLabelling(this IEndpointRouteBuilder app)
    {
        app.MapGet(ScriptPath, () => Results.Stream(typeof(LabelPages).Assembly.GetManifestResourceStream("DeskVision.Web.wwwroot.label-editor.js")!,
            "text/javascript; charset=utf-8"));
        var pages = app.MapGroup("").RequireAuthorization(Policies.Manager);
        pages.MapGet("/label", Queue);
        pages.MapGet("/label/{auditId:long}", Editor);
        pages.MapGet("/api/label/{auditId:long}", async (long auditId, CurrentUser user, Labels labels, CancellationToken ct) =>
            await labels.StateAsync(auditId, user, ct) is { } state ? Results.Json(state, Json) : Results.NotFound());
        pages.MapPost("/api/label/{auditId:long}", Save);
    }

    private static async Task<IResult> Save(long auditId, CurrentUser user, Text t, HttpContext http, Labels labels, IAntiforgery antiforgery, CancellationToken ct)
    {
        if (!await PageParts.ValidTokenAsync(antiforgery, http)) return Results.BadRequest(new { field = "token", error = t["Common.BadToken"] });
        LabelRequest? body;
        try { body = await http.Request.ReadFromJsonAsync<LabelRequest>(Json, ct); }
        catch (JsonException e) { return Results.BadRequest(new { field = "body", error = $"is not JSON of labels: {e.Message}" }); }
        if (body is null) return Results.BadRequest(new { field = "body", error = "empty" });
        try
        {
            return await labels.SaveAsync(auditId, body, user, ct) is { } state ? Results.Json(state, Json) : Results.NotFound();
        }
        catch (RefusedException e) { return Results.BadRequest(new { field = e.Field, error = e.Message }); }
    }

    private static async Task<IResult> Editor(long auditId, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, Labels labels, IAntiforgery antiforgery, CancellationToken ct)
    {
        var state = await labels.StateAsync(auditId, user, ct);
        if (state is null) return Results.NotFound();
        var a = await db.Audits.AsNoTracking().Where(x => x.Id == auditId)
            .Select(x => new { x.CameraId, Camera = x.Camera.Key, Window = x.Camera.Window.Name, Site = x.Camera.Window.Site, x.TakenAt, x.ModelId, x.SnapshotPath }).SingleAsync(ct);
        var framed = db.Audits.AsNoTracking().Where(x => x.CameraId == a.CameraId && x.Id != auditId && x.SnapshotPath != null && x.ImageWidth > 0);
        long? previous = await framed.Where(x => x.TakenAt < a.TakenAt || (x.TakenAt == a.TakenAt && x.Id < auditId))
            .OrderByDescending(x => x.TakenAt).ThenByDescending(x => x.Id).Select(x => (long?)x.Id).FirstOrDefaultAsync(ct);
        long? next = await framed.Where(x => x.TakenAt > a.TakenAt || (x.TakenAt == a.TakenAt && x.Id > auditId))
            .OrderBy(x => x.TakenAt).ThenBy(x => x.Id).Select(x => (long?)x.Id).FirstOrDefaultAsync(ct);
        bool unblurred = await db.LabelledFrames.AnyAsync(f => f.AuditId == auditId && f.Unblurred, ct);
        var tokens = antiforgery.GetAndStoreTokens(http);
        string body = await Views.Components.RenderAsync<LabelPage>(http, new Dictionary<string, object?>
        {
            ["T"] = t, ["State"] = state, ["Classes"] = state.Classes, ["WindowName"] = a.Window, ["SiteKey"] = a.Site.Key, ["CameraKey"] = a.Camera,
            ["ModelId"] = a.ModelId, ["TakenAt"] = Local(a.Site, a.TakenAt), ["Unblurred"] = unblurred,
            ["Next"] = next is long n ? $"/label/{n}" : null, ["Previous"] = previous is long p ? $"/label/{p}" : null,
            ["TokenName"] = tokens.FormFieldName, ["TokenValue"] = tokens.RequestToken,
        });
        return PageParts.Page(t["Label.Title"], t, http.Request, user, Style + body);
    }

    private static async Task<IResult> Queue(string? site, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, CurrentStandard standards, CancellationToken ct)
    {
        var sites = await db.Sites.AsNoTracking().VisibleTo(user).OrderBy(s => s.Name).ToListAsync(ct);
        var current = sites.FirstOrDefault(s => s.Key == site) ?? sites.FirstOrDefault();
        var rows = new List<LabelQueue.Row>();
        int done = 0, heldBack = 0;
        if (current is not null)
        {
            var (standard, _) = await standards.GetAsync(db, ct);
            var thresholds = standard.Scored.SelectMany(c => c.Rules).SelectMany(r => r.Labels.Select(l => (Label: l, r.MinConfidence)))
                .GroupBy(x => x.Label).ToDictionary(g => g.Key, g => g.Select(x => x.MinConfidence).Distinct().ToList());
            var labels = thresholds.Keys.ToList();
            var candidates = await db.Audits.AsNoTracking()
                .Where(a => a.Camera.Window.SiteId == current.Id && a.Status == AuditStatuses.Ok && a.SnapshotPath != null
                            && !db.LabelledFrames.Any(f => f.AuditId == a.Id && f.DoneAt != null))
                .OrderByDescending(a => a.TakenAt).Take(1000)
                .Select(a => new
                {
                    a.Id, a.TakenAt, Camera = a.Camera.Key,
                    Appealed = a.Violations.Any(v => v.Appeal != null && v.Appeal.StaffId != null),
                    FalsePositive = a.Violations.Any(v => v.Appeal != null && v.Appeal.Outcome == AppealOutcomes.Overturned),
                    Scores = a.Detections.Where(d => labels.Contains(d.Label)).Select(d => new { d.Label, d.Confidence }).ToList(),
                }).ToListAsync(ct);
            var ranked = candidates.Select(c =>
            {
                double closest = c.Scores.Select(s => thresholds[s.Label].Min(th => Math.Abs(s.Confidence - th))).DefaultIfEmpty(1).Min();
                int rank = c.Appealed ? 0 : c.FalsePositive ? 1 : closest <= Unsure ? 2 : 3;
                string why = rank switch
                {
                    0 => t["Label.WhyAppealed"], 1 => t["Label.WhyFalsePositive"],
                    2 => t.F("Label.WhyUnsure", closest.ToString("0.00", PageParts.Inv)), _ => t["Label.WhyOther"],
                };
                return (c.Id, c.Camera, c.TakenAt, Rank: rank, Closest: closest, Why: why);
            }).OrderBy(c => c.Rank).ThenBy(c => c.Rank == 2 ? c.Closest : 0).ThenByDescending(c => c.TakenAt).Take(50);
            rows = ranked.Select(r => new LabelQueue.Row(r.Id, r.Camera, Local(current, r.TakenAt), r.Why)).ToList();
            done = await db.LabelledFrames.CountAsync(f => f.Camera.Window.SiteId == current.Id && f.DoneAt != null, ct);
            heldBack = await db.LabelledFrames.CountAsync(f => f.Camera.Window.SiteId == current.Id && f.DoneAt != null && f.HeldBack, ct);
        }
        string body = await Views.Components.RenderAsync<LabelQueue>(http, new Dictionary<string, object?>
        {
            ["T"] = t, ["Sites"] = sites, ["SiteKey"] = current?.Key ?? "", ["Rows"] = rows, ["Done"] = done, ["HeldBack"] = heldBack,
        });
        return PageParts.Page(t["Label.QueueTitle"], t, http.Request, user, body);
    }

    private static string Local(Site site, DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, Schedules.AuditScheduler.SiteZone(site)).ToString("yyyy-MM-dd HH:mm:ss", PageParts.Inv);

    private const string Style = """
        <style>
        .label-tools{display:flex;gap:1rem;align-items:center;margin:.4rem 0}
        /* The whole frame must fit on screen: the layout's .evidence stretches a picture to the column's width, which
           pushes a portrait frame's lower boxes below the fold where they can be neither seen nor clicked. */
        .evidence.label-canvas{width:fit-content;max-width:100%}.evidence.label-canvas img{width:auto;max-width:100%;max-height:68vh}
        .label-canvas{user-select:none}.label-canvas svg{cursor:crosshair}.label-canvas g.label{cursor:move}.label-canvas .handle{cursor:nwse-resize}
        #label-list{columns:3;font-size:.9em}#label-list li{cursor:pointer}#label-status.ok{color:#1a7f37}#label-status.error{color:#c62828}
        </style>
        """;
}
