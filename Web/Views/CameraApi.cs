using DeskVision.Ingest;
using DeskVision.Scoring;
using DeskVision.Web.Accounts;
using DeskVision.Store;
using DeskVision.Web.Audits;
using DeskVision.Web.Schedules;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Views;

/// <summary>
/// Cameras: added, read, changed and removed by admins; status, schedule, credentials, "audit now" and image upload.
/// Credentials go in, never out. Every change by an admin is written to the audit log with its camera as the subject.
/// </summary>
public static class CameraApi
{
    public const int MaxUploadBytes = 20 * 1024 * 1024;
    public const string CreateAction = "camera.create", EditAction = "camera.edit", DeleteAction = "camera.delete",
        ScheduleAction = "camera.schedule", CredentialsAction = "camera.credentials";

    public sealed record ScheduleInput(bool? Enabled, int? EveryMinutes, string? InspectionBands, int? SpotChecksPerDay, int? BurstSize, int? BurstIntervalSeconds);

    public sealed record CredentialsInput(string? User, string? Password);

    /// <summary>A camera as an admin adds or changes it. On a change, a field left out (null) stays as it is; an empty user or password removes it.</summary>
    public sealed record CameraInput(string? Key, string? Site, string? Window, string? Source, string? User, string? Password, double? ZoneShare,
        IReadOnlyList<Zones.ZoneEdits.ZoneInput>? Zones);

    public static void MapCameraApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/cameras");
        api.MapPost("/", async (CameraInput input, CurrentUser user, DeskVisionDb db, IDataProtectionProvider protection, TimeProvider clock, ILogger<Camera> log, CancellationToken ct) =>
            ToResult(await CreateAsync(input, user, db, protection, clock, log, ct), c => Results.Created($"/api/cameras/{c.Key}", Describe(c)))).RequireAuthorization(Policies.Admin);
        api.MapGet("/{key}", async (string key, CurrentUser user, DeskVisionDb db, CancellationToken ct) =>
        {
            var c = await db.Cameras.AsNoTracking().VisibleTo(user).Include(x => x.Window).ThenInclude(w => w.Site).Include(x => x.Zones)
                .FirstOrDefaultAsync(x => x.Key == key, ct);
            return c is null ? Results.NotFound() : Results.Ok(Describe(c));
        });
        api.MapPut("/{key}", async (string key, CameraInput input, CurrentUser user, DeskVisionDb db, IDataProtectionProvider protection, TimeProvider clock, AuditScheduler scheduler, CancellationToken ct) =>
            ToResult(await EditAsync(key, input, user, db, protection, clock, scheduler, ct), c => Results.Ok(Describe(c)))).RequireAuthorization(Policies.Admin);
        api.MapDelete("/{key}", DeleteAsync).RequireAuthorization(Policies.Admin);
        api.MapGet("/", async (CurrentUser user, DeskVisionDb db, CancellationToken ct) =>
        {
            var now = DateTimeOffset.UtcNow;
            return await db.Cameras.AsNoTracking().VisibleTo(user).OrderBy(c => c.Key).Select(c => new
            {
                c.Key, window = c.Window.Name, site = c.Window.Site.Key,
                status = c.OfflineSince == null ? "online" : "offline", c.OfflineSince, c.LastSnapshotAt, c.LastFailure, c.ConsecutiveFailures,
                nextAudit = db.PlannedAudits.Where(p => p.CameraId == c.Id && p.State == PlannedAuditStates.Planned && p.DueAt > now)
                    .OrderBy(p => p.DueAt).Select(p => (DateTimeOffset?)p.DueAt).FirstOrDefault(),
                lastAudit = db.Audits.Where(a => a.CameraId == c.Id).OrderByDescending(a => a.TakenAt).Select(a => (long?)a.Id).FirstOrDefault(),
                hasCredentials = c.PasswordProtected != null,
                schedule = new { c.ScheduleEnabled, c.EveryMinutes, c.InspectionBands, c.SpotChecksPerDay, c.BurstSize, c.BurstIntervalSeconds },
            }).ToListAsync(ct);
        });

        api.MapPut("/{key}/schedule", async (string key, ScheduleInput input, CurrentUser user, DeskVisionDb db, AuditScheduler scheduler, TimeProvider clock, CancellationToken ct) =>
            ToResult(await ChangeScheduleAsync(key, input, user, db, scheduler, clock, ct), _ => Results.NoContent())).RequireAuthorization(Policies.Admin);

        api.MapPut("/{key}/credentials", async (string key, CredentialsInput input, CurrentUser user, DeskVisionDb db, IDataProtectionProvider protection, TimeProvider clock, CancellationToken ct) =>
            ToResult(await ChangeCredentialsAsync(key, input, user, db, protection, clock, ct), _ => Results.NoContent())).RequireAuthorization(Policies.Admin);

        api.MapPost("/{key}/audit-now", async (string key, CurrentUser user, DeskVisionDb db, AuditScheduler scheduler, CancellationToken ct) =>
        {
            if (!await db.Cameras.VisibleTo(user).AnyAsync(c => c.Key == key, ct)) return Results.NotFound();
            long planned = await scheduler.AuditNowAsync(key, ct);
            return Results.Accepted($"/api/audits?camera={key}", new { plannedAudit = planned });
        });

        // A manual spot check from a phone: the request body is the JPEG or PNG.
        api.MapPost("/{key}/snapshots", async (string key, CurrentUser user, HttpRequest request, DeskVisionDb db, CameraAuditJob job, CancellationToken ct) =>
        {
            if (!await db.Cameras.VisibleTo(user).AnyAsync(c => c.Key == key, ct)) return Results.NotFound();
            if (request.ContentType is not ("image/jpeg" or "image/png"))
                return Results.Problem($"send the image as image/jpeg or image/png, not '{request.ContentType}'", statusCode: StatusCodes.Status415UnsupportedMediaType);
            if (request.ContentLength > MaxUploadBytes)
                return Results.Problem($"image larger than {MaxUploadBytes / 1024 / 1024} MB", statusCode: StatusCodes.Status413PayloadTooLarge);
            using var buffer = new MemoryStream();
            var body = request.Body;
            var chunk = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxUploadBytes)
                    return Results.Problem($"image larger than {MaxUploadBytes / 1024 / 1024} MB", statusCode: StatusCodes.Status413PayloadTooLarge);
                buffer.Write(chunk, 0, read);
            }
            long id = await job.RunUploadAsync(key, buffer.ToArray(), ct);
            return Results.Created($"/api/audits/{id}", new { auditId = id });
        });
    }

    /// <summary>
    /// What a change to a camera came to, for the API and the camera pages alike: the camera, or what was wrong
    /// (fields with their problems; a conflict; a camera that is not there).
    /// </summary>
    public sealed record CameraChange(Camera? Camera, IDictionary<string, string[]>? Errors = null, string? Conflict = null, bool Missing = false,
        IReadOnlyList<Zones.ZoneEdits.ZoneError>? ZoneErrors = null)
    {
        public bool Done => Camera is not null && Errors is null && Conflict is null && ZoneErrors is null && !Missing;
        public static CameraChange Invalid(IDictionary<string, string[]> errors) => new(null, errors);
    }

    private static IResult ToResult(CameraChange change, Func<Camera, IResult> done) =>
        change.Missing ? Results.NotFound()
        : change.Conflict is { } problem ? Results.Conflict(new { problem })
        : change.ZoneErrors is { } zoneErrors ? Results.BadRequest(new { errors = zoneErrors })
        : change.Errors is { } errors ? Results.ValidationProblem(errors)
        : done(change.Camera!);

    public static async Task<CameraChange> ChangeScheduleAsync(string key, ScheduleInput input, CurrentUser user, DeskVisionDb db, AuditScheduler scheduler,
        TimeProvider clock, CancellationToken ct)
    {
        var camera = await db.Cameras.FirstOrDefaultAsync(c => c.Key == key, ct);
        if (camera is null) return new(null, Missing: true);
        var errors = new Dictionary<string, string[]>();
        if (input.InspectionBands is { } bands)
        {
            try { foreach (string b in bands.Split(' ', StringSplitOptions.RemoveEmptyEntries)) OpeningHours.ParsePeriod(b, bands); }
            catch (FormatException e) { errors["inspectionBands"] = [e.Message]; }
        }
        if (input.EveryMinutes is < 0 or > 1440) errors["everyMinutes"] = ["must be 0 (off) to 1440"];
        if (input.SpotChecksPerDay is < 0 or > 100) errors["spotChecksPerDay"] = ["must be 0 to 100"];
        if (input.BurstSize is < 1 or > 10) errors["burstSize"] = ["must be 1 to 10"];
        if (input.BurstIntervalSeconds is < 1 or > 600) errors["burstIntervalSeconds"] = ["must be 1 to 600"];
        if (errors.Count > 0) return CameraChange.Invalid(errors);

        camera.ScheduleEnabled = input.Enabled ?? camera.ScheduleEnabled;
        if (input.EveryMinutes is { } every) camera.EveryMinutes = every == 0 ? null : every;
        camera.InspectionBands = input.InspectionBands ?? camera.InspectionBands;
        camera.SpotChecksPerDay = input.SpotChecksPerDay ?? camera.SpotChecksPerDay;
        camera.BurstSize = input.BurstSize ?? camera.BurstSize;
        camera.BurstIntervalSeconds = input.BurstIntervalSeconds ?? camera.BurstIntervalSeconds;
        db.AuditLog.Add(new AuditLogEntry { At = clock.GetUtcNow(), Actor = user.UserName, Action = ScheduleAction, Subject = AuditWriter.CameraSubject(key),
            Details = System.Text.Json.JsonSerializer.Serialize(input) });
        await db.SaveChangesAsync(ct);
        await scheduler.ApplyAsync(key, ct);
        return new(camera);
    }

    public static async Task<CameraChange> ChangeCredentialsAsync(string key, CredentialsInput input, CurrentUser user, DeskVisionDb db,
        IDataProtectionProvider protection, TimeProvider clock, CancellationToken ct)
    {
        var camera = await db.Cameras.FirstOrDefaultAsync(c => c.Key == key, ct);
        if (camera is null) return new(null, Missing: true);
        var errors = new Dictionary<string, string[]>();
        if (input.User is { Length: > 100 }) errors["user"] = ["is longer than 100 characters"];
        if (input.Password is { Length: > 200 }) errors["password"] = ["is longer than 200 characters"];
        if (errors.Count > 0) return CameraChange.Invalid(errors);
        camera.User = string.IsNullOrEmpty(input.User) ? null : input.User;
        camera.PasswordProtected = string.IsNullOrEmpty(input.Password) ? null
            : protection.CreateProtector(CameraSources.PasswordPurpose).Protect(input.Password);
        // Who changed them and when; never the values.
        db.AuditLog.Add(new AuditLogEntry { At = clock.GetUtcNow(), Actor = user.UserName, Action = CredentialsAction, Subject = AuditWriter.CameraSubject(key),
            Details = camera.PasswordProtected is null ? "credentials removed" : $"user {camera.User}, password set" });
        await db.SaveChangesAsync(ct);
        return new(camera);
    }

    /// <summary>What the API shows of a camera: never its password, and its source without credentials.</summary>
    private static object Describe(Camera c) => new
    {
        c.Key, site = c.Window.Site.Key, window = c.Window.Name, source = c.Source is null ? null : CameraUrl.Redact(c.Source), c.User,
        hasCredentials = c.PasswordProtected != null, c.ZoneShare,
        zones = c.Zones.OrderBy(z => z.Id).Select(z => new Zones.ZoneEdits.ZoneInput(z.Name, z.Kind, z.Polygon)),
        status = c.OfflineSince == null ? "online" : "offline", c.OfflineSince, c.LastSnapshotAt, c.LastFailure, c.ConsecutiveFailures,
        schedule = new { c.ScheduleEnabled, c.EveryMinutes, c.InspectionBands, c.SpotChecksPerDay, c.BurstSize, c.BurstIntervalSeconds },
    };

    public const int MaxKey = 40, MaxWindow = 80, MaxSource = 1000;

    /// <summary>
    /// Why a source given through the API cannot be used, or null. Only camera protocols: <c>folder:</c> (a pushing
    /// camera's FTP folder) is for site files, since through the API it would let an admin's typo or a stolen admin
    /// session read any folder of the server. Credentials go in user and password, where they are encrypted; in the
    /// URL they would be stored and shown in clear.
    /// </summary>
    public static string? SourceProblem(string source)
    {
        if (source.Length > MaxSource) return $"is longer than {MaxSource} characters";
        if (!Uri.TryCreate(source, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "rtsp") || uri.Host.Length == 0)
            return "must be an http://, https:// or rtsp:// URL of the camera";
        if (uri.UserInfo.Length > 0) return "must not hold a user name or password: give them as user and password, which are stored encrypted";
        return null;
    }

    public static async Task<CameraChange> CreateAsync(CameraInput input, CurrentUser user, DeskVisionDb db, IDataProtectionProvider protection, TimeProvider clock,
        ILogger log, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        string key = input.Key?.Trim() ?? "";
        // The key becomes part of evidence file names: letters, digits, '-' and '_' only, as in camera files.
        if (key.Length is 0 or > MaxKey || key.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_')))
            errors["key"] = [$"must be 1 to {MaxKey} letters, digits, '-' and '_'"];
        var site = await db.Sites.FirstOrDefaultAsync(s => s.Key == input.Site, ct);
        if (site is null) errors["site"] = [$"no hall '{input.Site}' (halls come from their site.yaml)"];
        string window = input.Window?.Trim() ?? "";
        if (window.Length is 0 or > MaxWindow) errors["window"] = [$"must be 1 to {MaxWindow} characters"];
        CheckCommon(input, errors);
        if (!string.IsNullOrEmpty(input.Password) && string.IsNullOrEmpty(input.User)) errors["user"] = ["a password needs the user name it belongs to"];
        if (errors.Count > 0) return CameraChange.Invalid(errors);
        if (await db.Cameras.AnyAsync(c => c.Key == key, ct)) return new(null, Conflict: $"camera '{key}' exists already");

        var row = await db.Windows.FirstOrDefaultAsync(w => w.SiteId == site!.Id && w.Name == window, ct)
            ?? db.Windows.Add(new Window { Site = site!, Name = window }).Entity;
        row.Site = site!;
        // A new camera is not audited on schedule until an admin turns its schedule on: first its zones must be right.
        var camera = new Camera { Key = key, Window = row, Source = Blank(input.Source), ZoneShare = input.ZoneShare ?? 0.5, ScheduleEnabled = false };
        IReadOnlyList<Zone> zones = [];
        if (input.Zones is not null && ZoneProblems(camera, input.Zones, out zones) is { } zoneErrors) return zoneErrors;
        foreach (var z in zones) camera.Zones.Add(new CameraZone { Name = z.Name, Kind = z.Kind.Name(), Polygon = z.Polygon.Select(p => new[] { p.X, p.Y }).ToArray() });
        SetCredentials(camera, input, protection);
        db.Cameras.Add(camera);
        db.AuditLog.Add(new AuditLogEntry
        {
            At = clock.GetUtcNow(), Actor = user.UserName, Action = CreateAction, Subject = AuditWriter.CameraSubject(key),
            Details = $"{site!.Key} / {window}, source {(camera.Source is null ? "none" : CameraUrl.Redact(camera.Source))}, " +
                      $"zones [{string.Join(", ", camera.Zones.Select(z => z.Name))}]{(camera.PasswordProtected is null ? "" : $", user {camera.User}, password set")}",
        });
        await db.SaveChangesAsync(ct);
        log.LogInformation("Camera {Camera} added at {Site} / {Window} by {User}", key, site.Key, window, user.UserName);
        return new(camera);
    }

    public static async Task<CameraChange> EditAsync(string key, CameraInput input, CurrentUser user, DeskVisionDb db, IDataProtectionProvider protection,
        TimeProvider clock, AuditScheduler scheduler, CancellationToken ct)
    {
        var camera = await db.Cameras.Include(c => c.Window).ThenInclude(w => w.Site).Include(c => c.Zones).FirstOrDefaultAsync(c => c.Key == key, ct);
        if (camera is null) return new(null, Missing: true);
        var errors = new Dictionary<string, string[]>();
        if (input.Key is not null && input.Key != key) errors["key"] = ["cannot be changed: audits and evidence are filed under it"];
        CheckCommon(input, errors);
        Site? site = camera.Window.Site;
        if (input.Site is not null && (site = await db.Sites.FirstOrDefaultAsync(s => s.Key == input.Site, ct)) is null)
            errors["site"] = [$"no hall '{input.Site}' (halls come from their site.yaml)"];
        if (input.Window is { } w && w.Trim().Length is 0 or > MaxWindow) errors["window"] = [$"must be 1 to {MaxWindow} characters"];
        if (!string.IsNullOrEmpty(input.Password) && string.IsNullOrEmpty(input.User ?? camera.User)) errors["user"] = ["a password needs the user name it belongs to"];
        if (errors.Count > 0) return CameraChange.Invalid(errors);

        var changes = new List<string>();
        string window = input.Window?.Trim() ?? camera.Window.Name;
        if (site!.Id != camera.Window.SiteId || window != camera.Window.Name)
        {
            changes.Add($"window {camera.Window.Site.Key} / {camera.Window.Name} → {site.Key} / {window}");
            camera.Window = await db.Windows.FirstOrDefaultAsync(x => x.SiteId == site.Id && x.Name == window, ct)
                ?? db.Windows.Add(new Window { Site = site, Name = window }).Entity;
        }
        if (input.Source is not null && Blank(input.Source) != camera.Source)
        {
            changes.Add($"source {(camera.Source is null ? "none" : CameraUrl.Redact(camera.Source))} → {(Blank(input.Source) is { } s ? CameraUrl.Redact(s) : "none")}");
            camera.Source = Blank(input.Source);
        }
        if (input.ZoneShare is double share && share != camera.ZoneShare)
        {
            changes.Add($"zone share {camera.ZoneShare} → {share}");
            camera.ZoneShare = share;
        }
        if (input.User is not null || input.Password is not null)
        {
            string? userBefore = camera.User;
            bool hadPassword = camera.PasswordProtected is not null;
            SetCredentials(camera, input with { User = input.User ?? camera.User }, protection, keepPassword: input.Password is null);
            if (camera.User != userBefore) changes.Add($"user {userBefore ?? "none"} → {camera.User ?? "none"}");
            if (input.Password is not null) changes.Add(camera.PasswordProtected is null ? (hadPassword ? "password removed" : "no password") : "password set");
        }
        if (input.Zones is not null)
        {
            if (ZoneProblems(camera, input.Zones, out var zones) is { } zoneErrors) return zoneErrors;
            // Through the zone editor's own code, which writes its own log entry of what changed in the zones.
            await Zones.ZoneEdits.SaveAsync(db, camera, zones, user.UserName, clock.GetUtcNow(), ct);
        }
        if (changes.Count > 0)
        {
            db.AuditLog.Add(new AuditLogEntry { At = clock.GetUtcNow(), Actor = user.UserName, Action = EditAction, Subject = AuditWriter.CameraSubject(key), Details = string.Join("; ", changes) });
            await db.SaveChangesAsync(ct);
            await scheduler.ApplyAsync(key, ct); // a camera moved to another hall follows that hall's hours and time zone
        }
        return new(camera);
    }

    /// <summary>
    /// Removes a camera that has no audits. One with audits stays, with its schedule turned off instead: its audits and
    /// evidence are the record, and removing the camera would remove them.
    /// </summary>
    private static async Task<IResult> DeleteAsync(string key, CurrentUser user, DeskVisionDb db, TimeProvider clock, AuditScheduler scheduler,
        ILogger<Camera> log, CancellationToken ct)
    {
        var camera = await db.Cameras.Include(c => c.Window).ThenInclude(w => w.Site).FirstOrDefaultAsync(c => c.Key == key, ct);
        if (camera is null) return Results.NotFound();
        int audits = await db.Audits.CountAsync(a => a.CameraId == camera.Id, ct);
        if (audits > 0)
            return Results.Conflict(new { problem = $"camera '{key}' has {audits} audit(s), which are kept as the record; turn its schedule off instead (PUT /api/cameras/{key}/schedule {{\"enabled\": false}})" });
        camera.ScheduleEnabled = false;
        await db.SaveChangesAsync(ct);
        await scheduler.ApplyAsync(key, ct); // its recurring jobs and planned snapshots go first
        await db.PlannedAudits.Where(p => p.CameraId == camera.Id).ExecuteDeleteAsync(ct);
        db.Cameras.Remove(camera);
        db.AuditLog.Add(new AuditLogEntry
        {
            At = clock.GetUtcNow(), Actor = user.UserName, Action = DeleteAction, Subject = AuditWriter.CameraSubject(key),
            Details = $"{camera.Window.Site.Key} / {camera.Window.Name}, source {(camera.Source is null ? "none" : CameraUrl.Redact(camera.Source))}",
        });
        await db.SaveChangesAsync(ct);
        log.LogInformation("Camera {Camera} removed by {User}", key, user.UserName);
        return Results.NoContent();
    }

    private static void CheckCommon(CameraInput input, Dictionary<string, string[]> errors)
    {
        if (Blank(input.Source) is { } source && SourceProblem(source) is { } problem) errors["source"] = [problem];
        if (input.ZoneShare is < 0.01 or > 1) errors["zoneShare"] = ["must be 0.01 to 1"];
        if (input.User is { Length: > 100 }) errors["user"] = ["is longer than 100 characters"];
        if (input.Password is { Length: > 200 }) errors["password"] = ["is longer than 200 characters"];
    }

    private static CameraChange? ZoneProblems(Camera camera, IReadOnlyList<Zones.ZoneEdits.ZoneInput> input, out IReadOnlyList<Zone> zones)
    {
        var (valid, errors) = Zones.ZoneEdits.Validate(camera, input);
        zones = valid ?? [];
        return valid is null ? new CameraChange(null, ZoneErrors: errors) : null;
    }

    private static void SetCredentials(Camera camera, CameraInput input, IDataProtectionProvider protection, bool keepPassword = false)
    {
        camera.User = string.IsNullOrEmpty(input.User) ? null : input.User;
        if (keepPassword && camera.User is not null) return;
        camera.PasswordProtected = camera.User is null || string.IsNullOrEmpty(input.Password) ? null
            : protection.CreateProtector(CameraSources.PasswordPurpose).Protect(input.Password);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
