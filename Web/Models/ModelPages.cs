using DeskVision.Audits;
using System.Text.Json;
using DeskVision.Store;
using DeskVision.Web.Accounts;
using DeskVision.Web.Insights;
using DeskVision.Web.Reports;
using DeskVision.Web.Resources;
using DeskVision.Web.Views;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Models;

/// <summary><c>/models</c>: a site's detector versions with per-class AP and the frames each was judged on; managers read, admins promote and roll back.</summary>
public static class ModelPages
{
    public static void MapModels(this IEndpointRouteBuilder app)
    {
        app.MapGet("/models", Page).RequireAuthorization(Policies.Manager);
        app.MapPost("/models/{id:int}/promote", Promote).RequireAuthorization(Policies.Admin);
        app.MapPost("/models/rollback", RollBack).RequireAuthorization(Policies.Admin);
        app.MapPost("/models/train", TrainNow).RequireAuthorization(Policies.Admin);
    }

    private static async Task<IResult> Promote(int id, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, ModelVersions versions, IAntiforgery antiforgery, CancellationToken ct)
    {
        if (!await PageParts.ValidTokenAsync(antiforgery, http)) return PageParts.BadToken(t);
        string? site = await db.DetectorModels.Where(m => m.Id == id).Select(m => m.Site.Key).FirstOrDefaultAsync(ct);
        if (site is null) return Results.NotFound();
        try { await versions.PromoteAsync(id, user.UserName, ct); }
        catch (RefusedException e) { return Back(site, null, e.Message); }
        return Back(site, t.F("Models.Promoted", id), null);
    }

    private static async Task<IResult> RollBack(CurrentUser user, Text t, HttpContext http, DeskVisionDb db, ModelVersions versions, IAntiforgery antiforgery, CancellationToken ct)
    {
        if (!await PageParts.ValidTokenAsync(antiforgery, http)) return PageParts.BadToken(t);
        string key = (await http.Request.ReadFormAsync(ct))["site"].ToString();
        var site = await db.Sites.FirstOrDefaultAsync(s => s.Key == key, ct);
        if (site is null) return Results.NotFound();
        try
        {
            var back = await versions.RollBackAsync(site.Id, user.UserName, ct);
            return Back(key, t.F("Models.RolledBackFlash", back.Id), null);
        }
        catch (RefusedException e) { return Back(key, null, e.Message); }
    }

    private static async Task<IResult> TrainNow(Text t, HttpContext http, DeskVisionDb db, Hangfire.IBackgroundJobClient jobs, IAntiforgery antiforgery, CancellationToken ct)
    {
        if (!await PageParts.ValidTokenAsync(antiforgery, http)) return PageParts.BadToken(t);
        string key = (await http.Request.ReadFormAsync(ct))["site"].ToString();
        if (!await db.Sites.AnyAsync(s => s.Key == key, ct)) return Results.NotFound();
        NightlyTrainingJob.Enqueue(jobs, key);
        return Back(key, t["Models.TrainQueued"], null);
    }

    private static IResult Back(string site, string? flash, string? problem) =>
        Results.Redirect($"/models?site={Uri.EscapeDataString(site)}{(flash is null ? "" : $"&flash={Uri.EscapeDataString(flash)}")}{(problem is null ? "" : $"&problem={Uri.EscapeDataString(problem)}")}");

    private static async Task<IResult> Page(string? site, string? flash, string? problem, CurrentUser user, Text t, HttpContext http, DeskVisionDb db,
        IAntiforgery antiforgery, CancellationToken ct)
    {
        var sites = await db.Sites.AsNoTracking().VisibleTo(user).OrderBy(s => s.Name).ToListAsync(ct);
        var current = sites.FirstOrDefault(s => s.Key == site) ?? sites.FirstOrDefault();
        var versions = new List<ModelsPage.Version>();
        int? currentId = null;
        string currentName = Path.GetFileName(ModelVersions.StockModelPath) + " (stock)", progress = "";
        if (current is not null)
        {
            var zone = Schedules.AuditScheduler.SiteZone(current);
            string Local(DateTimeOffset? at) => at is null ? "" : TimeZoneInfo.ConvertTime(at.Value, zone).ToString("yyyy-MM-dd HH:mm", PageParts.Inv);
            var rows = await db.DetectorModels.AsNoTracking().Where(m => m.SiteId == current.Id).OrderByDescending(m => m.Id).ToListAsync(ct);
            var now = await ModelVersions.CurrentAsync(db, current.Id, ct);
            currentId = now?.Id;
            if (now is not null) currentName = $"#{now.Id} {Path.GetFileName(now.FilePath)}";
            foreach (var m in rows)
            {
                var ap = Read(m.ApJson);
                var against = Read(m.AgainstApJson).ToDictionary(c => c.Label, c => c.Ap50);
                versions.Add(new ModelsPage.Version(m.Id, m.Status, Path.GetFileName(m.FilePath), Local(m.CreatedAt), m.BaseModel, m.TrainedOnFrames,
                    m.JudgedOnFrames.Count == 0 ? "" : t.F("Models.Frames", m.JudgedOnFrames.Count), string.Join(", ", m.JudgedOnFrames),
                    ap.Select(c => new ModelsPage.ClassRow(c.Label, c.GroundTruth, c.Ap50, against.TryGetValue(c.Label, out var a) ? a : null)).ToList(),
                    m.JudgedAgainst, m.RuleMap50?.ToString("0.000", PageParts.Inv), m.AgainstRuleMap50?.ToString("0.000", PageParts.Inv), m.Verdict,
                    m.PromotedBy, Local(m.PromotedAt), m.RolledBackBy, m.RolledBackAt is null ? null : Local(m.RolledBackAt)));
            }
            progress = await NightlyTraining.ProgressAsync(db, current.Id, t, ct);
        }
        var tokens = antiforgery.GetAndStoreTokens(http);
        string body = await Views.Components.RenderAsync<ModelsPage>(http, new Dictionary<string, object?>
        {
            ["T"] = t, ["Sites"] = sites, ["SiteKey"] = current?.Key ?? "", ["Versions"] = versions, ["CurrentId"] = currentId, ["CurrentName"] = currentName,
            ["Progress"] = progress, ["IsAdmin"] = user.IsAdmin, ["Flash"] = flash, ["Problem"] = problem,
            ["TokenName"] = tokens.FormFieldName, ["TokenValue"] = tokens.RequestToken,
        });
        return PageParts.Page(t["Models.Title"], t, http.Request, user, body);
    }

    private static List<ClassAp> Read(string? json) => json is null ? [] : JsonSerializer.Deserialize<List<ClassAp>>(json) ?? [];
}
