using System.Text;
using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Web.Accounts;
using DeskVision.Web.Audits;
using DeskVision.Web.Insights;
using DeskVision.Web.Resources;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;
using static DeskVision.Web.Views.Html;

namespace DeskVision.Web.Standards;

/// <summary>
/// The standard as versioned data (issue 6): <c>/standard</c> shows the version new audits are scored with, every
/// earlier version and how many audits each scored; admins import a new version from a file or edit the current one in
/// a form (<c>/standard/edit</c>). Every save is checked by the same reader as the site's file, refused with the line,
/// entry and field when wrong (nothing changes then), stored as a new version with its text, and published: the next
/// audit in every worker is scored with it. Old audits keep the version that scored them. Every publication goes to
/// the audit log. API: <c>GET /api/standard</c>, <c>GET /api/standard/versions/{id}</c> (the text), <c>POST /api/standard</c> (a YAML body).
/// </summary>
public static class StandardPages
{
    public const int MaxFileBytes = 2 * 1024 * 1024;
    public const string LogAction = "standard.publish";
    private static readonly string[] YamlTypes = ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"];

    public static void MapStandard(this IEndpointRouteBuilder app)
    {
        var view = app.MapGroup("").RequireAuthorization(Policies.Manager);
        view.MapGet("/standard", Overview);
        view.MapGet("/api/standard", Current);
        view.MapGet("/api/standard/versions/{id:int}", VersionText);
        var admin = app.MapGroup("").RequireAuthorization(Policies.Admin);
        admin.MapGet("/standard/edit", EditPage);
        admin.MapPost("/standard/edit", SaveEdits);
        admin.MapPost("/standard/import", ImportForm);
        admin.MapPost("/api/standard", ImportApi);
    }

    /// <summary>Why an imported file was refused: where (file, line, entry, field) and what.</summary>
    public sealed record Refusal(string File, long Line, string Entry, string Field, string Problem)
    {
        public static Refusal Of(ConfigException e) => new(e.File, e.Line, e.Entry, e.Field, StandardEdits.Problem(e));
        public override string ToString() => $"{File}:{Line}: {Entry}: '{Field}' {Problem}";
    }

    /// <summary>An uploaded file read as a standard: UTF-8 text, at most <see cref="MaxFileBytes"/>, checked like the site's file.</summary>
    public static (Standard? Standard, string? Text, Refusal? Refusal) Read(byte[] bytes, string fileName, IReadOnlyCollection<string> labels)
    {
        string name = SafeName(fileName);
        if (bytes.Length == 0) return (null, null, new Refusal(name, 0, "file", "(file)", "is empty"));
        if (bytes.Length > MaxFileBytes) return (null, null, new Refusal(name, 0, "file", "(file)", $"is larger than {MaxFileBytes / 1024 / 1024} MB"));
        string text;
        try { text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes).TrimStart('\uFEFF'); }
        catch (DecoderFallbackException) { return (null, null, new Refusal(name, 0, "file", "(file)", "is not UTF-8 text")); }
        try { return (StandardFile.Parse(name, text, labels), text, null); }
        catch (ConfigException e) { return (null, null, Refusal.Of(e)); }
    }

    /// <summary>The uploaded file's own name, for messages only (never a path): letters, digits, '.', '-', '_'.</summary>
    private static string SafeName(string? fileName)
    {
        string name = new((Path.GetFileName(fileName ?? "") ?? "").Where(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_').Take(80).ToArray());
        return name.Length == 0 ? "upload.yaml" : name;
    }

    /// <summary>What publishing did: the version's id, whether it was stored just now, or whether it was already the current one.</summary>
    public sealed record Outcome(int Id, bool New, bool AlreadyCurrent);

    /// <summary>Publishes the standard (see <see cref="PublishedStandards.PublishAsync"/>) and logs who did it; the same text as the current version changes nothing.</summary>
    public static async Task<Outcome> PublishAsync(DeskVisionDb db, Standard standard, string text, string origin, CurrentUser user,
        string? changes, TimeProvider clock, ILogger log, CancellationToken ct)
    {
        var current = await PublishedStandards.CurrentAsync(db, ct);
        if (current?.ContentHash == standard.ContentHash) return new Outcome(current.Id, false, true);
        bool known = await db.StandardVersions.AnyAsync(v => v.ContentHash == standard.ContentHash, ct);
        var now = clock.GetUtcNow();
        int id = await PublishedStandards.PublishAsync(db, standard, text, origin, user.UserName, now, ct);
        string details = $"{origin}: version {id} {standard.Version}@{standard.ContentHash}, was {(current is null ? "none" : $"version {current.Id}")}" +
                         (changes is null ? "" : $"; {changes}");
        db.AuditLog.Add(new AuditLogEntry { At = now, Actor = user.UserName, Action = LogAction, Subject = $"standard:{id}", Details = details.Length > 4000 ? details[..4000] : details });
        await db.SaveChangesAsync(ct);
        log.LogInformation("Standard version {VersionId} ({Version}@{Hash}) published by {User} from {Origin}", id, standard.Version, standard.ContentHash, user.UserName, origin);
        return new Outcome(id, !known, false);
    }

    // ---------------------------------------------------------------- API

    private static async Task<IResult> Current(DeskVisionDb db, CurrentStandard standards, CancellationToken ct)
    {
        var (standard, id) = await standards.GetAsync(db, ct);
        return Results.Ok(new
        {
            current = id,
            standard.Name, standard.Version, hash = standard.ContentHash,
            pointsNote = PointsNote,
            clauses = standard.Clauses.Select(c => new
            {
                c.Id, c.TitleZh, c.Category, c.Severity, c.Active, scored = c.Active && c.Rules.Count > 0, maxPoints = c.MaxPoints,
                rules = c.Rules.Select(r => new { kind = r.Kind.ToString(), labels = r.Labels, zones = r.Zones.Select(z => z.Name()), r.MinConfidence, r.Points, r.Consecutive }),
            }),
            versions = await VersionsAsync(db, ct),
        });
    }

    private static async Task<IResult> VersionText(int id, DeskVisionDb db, CancellationToken ct)
    {
        var v = await db.StandardVersions.AsNoTracking().Where(s => s.Id == id).Select(s => new { s.Content, s.Version }).FirstOrDefaultAsync(ct);
        if (v?.Content is null) return Results.NotFound();
        return Results.File(Encoding.UTF8.GetBytes(v.Content), "application/yaml; charset=utf-8", $"standard-version-{id}.yaml");
    }

    private static async Task<IResult> ImportApi(HttpRequest request, CurrentUser user, DeskVisionDb db, CurrentStandard standards, TimeProvider clock,
        ILoggerFactory logs, CancellationToken ct)
    {
        string type = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant() ?? "";
        // Only YAML media types: a cross-site form cannot send them without the browser asking first, which this app never allows.
        if (!YamlTypes.Contains(type))
            return Results.Problem($"send the standard as {string.Join(" or ", YamlTypes)}, not '{request.ContentType}'", statusCode: StatusCodes.Status415UnsupportedMediaType);
        var bytes = await ReadLimitedAsync(request.Body, ct);
        if (bytes is null) return Results.Problem($"standard file larger than {MaxFileBytes / 1024 / 1024} MB", statusCode: StatusCodes.Status413PayloadTooLarge);
        string name = request.Headers["X-File-Name"].ToString() is { Length: > 0 } given ? given : "upload.yaml";
        var (standard, text, refusal) = Read(bytes, name, standards.Labels);
        if (refusal is not null)
            return Results.Problem(refusal.ToString(), statusCode: StatusCodes.Status422UnprocessableEntity, title: "standard refused",
                extensions: new Dictionary<string, object?> { ["file"] = refusal.File, ["line"] = refusal.Line, ["entry"] = refusal.Entry, ["field"] = refusal.Field, ["problem"] = refusal.Problem });
        var outcome = await PublishAsync(db, standard!, text!, PublishedStandards.FromImport, user, null, clock, logs.CreateLogger(typeof(StandardPages)), ct);
        var body = new { id = outcome.Id, standard!.Version, hash = standard.ContentHash, outcome.New, outcome.AlreadyCurrent };
        return outcome.AlreadyCurrent ? Results.Ok(body) : Results.Created($"/api/standard/versions/{outcome.Id}", body);
    }

    private static async Task<byte[]?> ReadLimitedAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxFileBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    // ---------------------------------------------------------------- pages

    /// <summary>Shown wherever points are: the seeds set none (../shared/standards/README.md).</summary>
    public const string PointsNote = "Points, per-audit caps and the 6S pillar of each category are DeskVision's local defaults in this site's standard, " +
                                     "not the standard's: the seed documents set no point values. Severity is the clause catalogue's suggestion. " +
                                     "扣分分值、单次上限与6S归类为本系统本地默认设置，服务规范原文未规定扣分。";

    private static async Task<IResult> ImportForm(HttpContext http, CurrentUser user, Text t, DeskVisionDb db, IAntiforgery antiforgery,
        CurrentStandard standards, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        if (!await PageParts.ValidTokenAsync(antiforgery, http)) return PageParts.BadToken(t);
        var form = await http.Request.ReadFormAsync(ct);
        var file = form.Files.GetFile("file");
        Refusal? refusal;
        Standard? standard = null;
        string? text = null;
        if (file is null) refusal = new Refusal("upload", 0, "form", "file", t["Standard.NoFile"]);
        else if (file.Length > MaxFileBytes) refusal = new Refusal(SafeName(file.FileName), 0, "file", "(file)", $"is larger than {MaxFileBytes / 1024 / 1024} MB");
        else
        {
            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, ct);
            (standard, text, refusal) = Read(buffer.ToArray(), file.FileName, standards.Labels);
        }
        if (refusal is not null) return await OverviewAsync(http, user, t, db, antiforgery, standards, null, refusal, ct);
        var outcome = await PublishAsync(db, standard!, text!, PublishedStandards.FromImport, user, null, clock, logs.CreateLogger(typeof(StandardPages)), ct);
        return Results.Redirect($"/standard?{(outcome.AlreadyCurrent ? "unchanged" : "published")}={outcome.Id}");
    }

    private static Task<IResult> Overview(HttpContext http, CurrentUser user, Text t, DeskVisionDb db, IAntiforgery antiforgery, CurrentStandard standards,
        int? published, int? unchanged, CancellationToken ct) =>
        OverviewAsync(http, user, t, db, antiforgery, standards,
            published is int p ? t.F("Standard.Published", p) : unchanged is int u ? t.F("Standard.Unchanged", u) : null, null, ct);

    private static async Task<IResult> OverviewAsync(HttpContext http, CurrentUser user, Text t, DeskVisionDb db, IAntiforgery antiforgery,
        CurrentStandard standards, string? flash, Refusal? refusal, CancellationToken ct)
    {
        var (standard, currentId) = await standards.GetAsync(db, ct);
        var versions = await VersionsAsync(db, ct);
        var h = new StringBuilder($"<h1>{E(t["Standard.Title"])}</h1>");
        if (flash is not null) h.Append($"<p class=flash id=standard-flash>{E(flash)}</p>");
        h.Append($"<p id=current-version>{E(t.F("Standard.Current", currentId, standard.Name, standard.Version, standard.ContentHash))}</p>");
        h.Append($"<p class=muted id=points-note>{E(PointsNote)}</p>");
        if (user.IsAdmin)
        {
            h.Append($"<p><a href='/standard/edit'>{E(t["Standard.Edit"])}</a></p>");
            h.Append($"<form class=dv-form id=standard-import method=post action='/standard/import' enctype='multipart/form-data'>{PageParts.Token(antiforgery, http)}" +
                     $"<label>{E(t["Standard.ImportFile"])}<input type=file name=file accept='.yaml,.yml'></label><button>{E(t["Standard.Import"])}</button></form>");
            if (refusal is not null)
                h.Append($"<div class=error id=import-error><b>{E(t["Standard.Refused"])}</b><br>{E(t.F("Standard.Where", refusal.File, refusal.Line, refusal.Entry, refusal.Field))}<br>{E(refusal.Problem)}</div>");
        }

        h.Append($"<h2>{E(t["Standard.Scored"])}</h2><table id=scored-clauses><tr><th>{E(t["Heat.Clause"])}</th><th>{E(t["Standard.Severity"])}</th>" +
                 $"<th>{E(t["Standard.Cap"])}</th><th>{E(t["Standard.Rules"])}</th></tr>");
        foreach (var c in standard.Clauses.Where(c => c.Rules.Count > 0))
            h.Append($"<tr{(c.Active ? "" : " class=muted")}><td>{E(t.Title(c.TitleZh, c.TitleEn))}<br><span class=muted>{E(c.Id)}</span>{(c.Active ? "" : $" <b>({E(t["Standard.Inactive"])})</b>")}</td><td>{E(c.Severity)}</td>" +
                     $"<td>{PageParts.N(c.MaxPoints)}</td><td>{string.Join("<br>", c.Rules.Select(r => E(RuleText(r, t))))}</td></tr>");
        h.Append("</table>");

        h.Append($"<h2>{E(t["Standard.Versions"])}</h2><table id=standard-versions><tr><th>#</th><th>{E(t["Standard.Version"])}</th><th>{E(t["Standard.Origin"])}</th>" +
                 $"<th>{E(t["Standard.PublishedAt"])}</th><th>{E(t["Standard.Audits"])}</th><th></th></tr>");
        foreach (var v in versions)
            h.Append($"<tr{(v.Id == currentId ? " class=current" : "")}><td>{v.Id}{(v.Id == currentId ? $" <b>{E(t["Standard.IsCurrent"])}</b>" : "")}</td>" +
                     $"<td>{E(v.Version)} <span class=muted>@{E(v.Hash)}</span></td><td>{E(v.Origin ?? "")} {E(v.PublishedBy ?? "")}</td>" +
                     $"<td>{(v.PublishedAt is { } at ? at.ToString("yyyy-MM-dd HH:mm", PageParts.Inv) + " UTC" : "")}</td><td>{v.Audits}</td>" +
                     $"<td>{(v.HasText ? $"<a href='/api/standard/versions/{v.Id}'>{E(t["Standard.Download"])}</a>" : "")}</td></tr>");
        h.Append("</table>");
        var page = PageParts.Page(t["Standard.Title"], t, http.Request, user, h.ToString());
        return refusal is null ? page : Views.Html.WithStatus(page, StatusCodes.Status400BadRequest);
    }

    /// <summary>A rule as a sentence in the reader's language: "A phone on the desk (confidence at least 0.35): 3 points".</summary>
    private static string RuleText(Rule r, Text t)
    {
        string labels = string.Join(t["Rule.Or"], r.Labels.Select(l => Views.ViolationWords.Thing(l, t)));
        string zones = string.Join(t["Rule.Or"], r.Zones.Select(z => Views.ViolationWords.Zone(z.Name(), t)));
        string allowed = string.Join(t["Rule.And"], r.Allowed.Select(l => Views.ViolationWords.Thing(l, t)));
        string what = t.F("Rule." + r.Kind, labels, zones, PageParts.N(r.MinConfidence, "0.##"), r.MinCount, allowed);
        if (r.Consecutive > 1) what += t.F("Rule.Consecutive", r.Consecutive);
        if (r.ExcusedBy is { } excuse) what += t.F("Rule.Excused", string.Join(t["Rule.Or"], excuse.Labels.Select(l => Views.ViolationWords.Thing(l, t))));
        return t.F("Rule.Deducts", what, PageParts.N(r.Points));
    }

    public sealed record VersionRow(int Id, string Version, string Hash, string? Origin, string? PublishedBy, DateTimeOffset? PublishedAt, int Audits, bool HasText);

    private static Task<List<VersionRow>> VersionsAsync(DeskVisionDb db, CancellationToken ct) =>
        db.StandardVersions.AsNoTracking().OrderByDescending(v => v.Id)
            .Select(v => new VersionRow(v.Id, v.Version, v.ContentHash, v.Origin, v.PublishedBy, v.PublishedAt,
                db.Audits.Count(a => a.StandardVersionId == v.Id), v.Content != null))
            .ToListAsync(ct);

    private static async Task<IResult> EditPage(HttpContext http, CurrentUser user, Text t, DeskVisionDb db, IAntiforgery antiforgery,
        CurrentStandard standards, CancellationToken ct)
    {
        var (standard, id) = await standards.GetAsync(db, ct);
        return EditForm(http, user, t, antiforgery, standard, id, _ => null, [], null);
    }

    private static async Task<IResult> SaveEdits(HttpContext http, CurrentUser user, Text t, DeskVisionDb db, IAntiforgery antiforgery,
        CurrentStandard standards, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        if (!await PageParts.ValidTokenAsync(antiforgery, http)) return PageParts.BadToken(t);
        var form = await http.Request.ReadFormAsync(ct);
        string? Field(string name) => form.TryGetValue(name, out var v) ? v.ToString() : null;
        var (standard, id) = await standards.GetAsync(db, ct);
        if (Field("base") != id.ToString(PageParts.Inv))
        {
            // Someone published another version since this form was opened: saving over it would undo their change unseen.
            return EditForm(http, user, t, antiforgery, standard, id, _ => null,
                [new StandardEdits.FieldError("form", "form", 0, t.F("Standard.Moved", Field("base"), id))], null, StatusCodes.Status409Conflict);
        }
        var edits = StandardEdits.Changes(standard, Field);
        if (edits.Count == 0) return EditForm(http, user, t, antiforgery, standard, id, _ => null, [], t["Standard.NothingChanged"]);
        string baseText = (await db.StandardVersions.Where(v => v.Id == id).Select(v => v.Content).SingleAsync(ct))!;
        var (text, edited, errors) = StandardEdits.Apply(baseText, edits, $"standard (form on version {id})", standards.Labels);
        if (errors.Count > 0) return EditForm(http, user, t, antiforgery, standard, id, Field, errors, null, StatusCodes.Status400BadRequest);
        string changes = string.Join(", ", edits.Select(e => $"{Describe(standard, e.Field)} → {e.Value}"));
        var outcome = await PublishAsync(db, edited!, text!, PublishedStandards.FromForm, user, changes, clock, logs.CreateLogger(typeof(StandardPages)), ct);
        return Results.Redirect($"/standard?{(outcome.AlreadyCurrent ? "unchanged" : "published")}={outcome.Id}");
    }

    /// <summary>A form field in the standard's own words, for the audit log: <c>desk.cup rules[0].points</c>.</summary>
    private static string Describe(Standard standard, string field)
    {
        var parts = field.Split('.');
        if (parts.Length < 2 || !int.TryParse(parts[0].AsSpan(1), out int i) || i >= standard.Clauses.Count) return field;
        return $"{standard.Clauses[i].Id} {(parts.Length == 3 ? $"rules[{parts[1][1..]}].{parts[2]}" : parts[1])}";
    }

    private static IResult EditForm(HttpContext http, CurrentUser user, Text t, IAntiforgery antiforgery, Standard standard, int id,
        Func<string, string?> submitted, IReadOnlyList<StandardEdits.FieldError> errors, string? flash, int status = StatusCodes.Status200OK)
    {
        var byField = errors.ToLookup(e => e.Field);
        string Value(string field, string current) => submitted(field) ?? current;
        string Problem(string field) => byField[field].Any()
            ? $"<div class=error data-field='{E(field)}'>{string.Join("<br>", byField[field].Select(e => E(Where(e, t) + e.Message)))}</div>" : "";
        string Number(string field, double current) =>
            $"<input id='f-{E(field)}' name='{E(field)}' value='{E(Value(field, PageParts.N(current, "0.###")))}' size=4 inputmode=decimal{(byField[field].Any() ? " aria-invalid=true" : "")}>{Problem(field)}";

        var h = new StringBuilder($"<h1>{E(t["Standard.EditTitle"])}</h1>");
        if (flash is not null) h.Append($"<p class=flash id=standard-flash>{E(flash)}</p>");
        if (errors.Count > 0)
        {
            h.Append($"<div class=error id=edit-errors><b>{E(t["Standard.NotSaved"])}</b><ul>");
            foreach (var e in errors)
                h.Append($"<li>{(e.Field == "form" ? "" : $"<a href='#f-{E(e.Field)}'>{E(e.Field)}</a> · ")}{E(Where(e, t))}{E(e.Message)}</li>");
            h.Append("</ul></div>");
        }
        h.Append($"<p class=muted>{E(t.F("Standard.EditHint", id, standard.Version, standard.ContentHash))}</p><p class=muted>{E(PointsNote)}</p>");
        h.Append($"<form method=post action='/standard/edit' id=standard-edit>{PageParts.Token(antiforgery, http)}<input type=hidden name=base value='{id}'>");
        h.Append($"<p><label>{E(t["Standard.Version"])} <input id=f-version name=version value='{E(Value("version", standard.Version))}'></label>{Problem("version")}</p>");
        h.Append($"<table id=clauses><tr><th>{E(t["Heat.Clause"])}</th><th>{E(t["Standard.Active"])}</th><th>{E(t["Standard.Severity"])}</th>" +
                 $"<th>{E(t["Standard.Cap"])}</th><th>{E(t["Standard.RulePoints"])}</th></tr>");
        for (int i = 0; i < standard.Clauses.Count; i++)
        {
            var c = standard.Clauses[i];
            string severity = Value(StandardEdits.FieldName(i, "severity"), c.Severity);
            h.Append($"<tr id='clause-{E(c.Id)}'><td>{E(c.Id)}<br><span class=zh>{E(c.TitleZh)}</span></td><td>");
            if (c.Rules.Count > 0)
            {
                string active = StandardEdits.FieldName(i, "active");
                bool on = submitted(active) is { } sent ? sent.Split(',').Any(v => v is "true" or "on") : c.Active;
                h.Append($"<input type=hidden name='{active}' value=false><input type=checkbox id='f-{active}' name='{active}' value=true{(on ? " checked" : "")}>{Problem(active)}");
            }
            h.Append($"</td><td><select id='f-{StandardEdits.FieldName(i, "severity")}' name='{StandardEdits.FieldName(i, "severity")}'>");
            foreach (string s in new[] { "minor", "major" }) h.Append($"<option{(s == severity ? " selected" : "")}>{s}</option>");
            h.Append($"</select>{Problem(StandardEdits.FieldName(i, "severity"))}</td><td>");
            if (c.Rules.Count > 0) h.Append(Number(StandardEdits.FieldName(i, "max_points"), c.MaxPoints));
            h.Append("</td><td>");
            for (int j = 0; j < c.Rules.Count; j++)
            {
                var r = c.Rules[j];
                h.Append($"<div>{E(r.Kind)} [{E(string.Join(", ", r.Labels))}]: {E(t["Standard.Points"])} {Number(StandardEdits.FieldName(i, "points", j), r.Points)} " +
                         $"{E(t["Standard.MinConfidence"])} {Number(StandardEdits.FieldName(i, "min_confidence", j), r.MinConfidence)}</div>");
            }
            h.Append("</td></tr>");
        }
        h.Append($"</table><p><button>{E(t["Standard.Save"])}</button></p></form>");
        var page = PageParts.Page(t["Standard.EditTitle"], t, http.Request, user, h.ToString());
        return status == StatusCodes.Status200OK ? page : Views.Html.WithStatus(page, status);
    }

    private static string Where(StandardEdits.FieldError e, Text t) => e.Line > 0 ? t.F("Standard.Line", e.Line, e.Entry) : "";

}
