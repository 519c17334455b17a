using DeskVision.Web.Accounts;
using DeskVision.Store;
using DeskVision.Web.Audits;
using DeskVision.Web.Schedules;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Views;

/// <summary>Cameras: status, schedule, credentials, "audit now" and image upload. Credentials go in, never out.</summary>
public static class CameraApi
{
    public const int MaxUploadBytes = 20 * 1024 * 1024;

    public sealed record ScheduleInput(bool? Enabled, int? EveryMinutes, string? InspectionBands, int? SpotChecksPerDay, int? BurstSize, int? BurstIntervalSeconds);

    public sealed record CredentialsInput(string? User, string? Password);

    public static void MapCameraApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/cameras");
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

        api.MapPut("/{key}/schedule", async (string key, ScheduleInput input, CurrentUser user, DeskVisionDb db, AuditScheduler scheduler, CancellationToken ct) =>
        {
            var camera = await db.Cameras.FirstOrDefaultAsync(c => c.Key == key, ct);
            if (camera is null) return Results.NotFound();
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
            if (errors.Count > 0) return Results.ValidationProblem(errors);

            camera.ScheduleEnabled = input.Enabled ?? camera.ScheduleEnabled;
            if (input.EveryMinutes is { } every) camera.EveryMinutes = every == 0 ? null : every;
            camera.InspectionBands = input.InspectionBands ?? camera.InspectionBands;
            camera.SpotChecksPerDay = input.SpotChecksPerDay ?? camera.SpotChecksPerDay;
            camera.BurstSize = input.BurstSize ?? camera.BurstSize;
            camera.BurstIntervalSeconds = input.BurstIntervalSeconds ?? camera.BurstIntervalSeconds;
            db.AuditLog.Add(new AuditLogEntry { At = DateTimeOffset.UtcNow, Actor = user.UserName, Action = "camera.schedule", Subject = key,
                Details = System.Text.Json.JsonSerializer.Serialize(input) });
            await db.SaveChangesAsync(ct);
            await scheduler.ApplyAsync(key, ct);
            return Results.NoContent();
        }).RequireAuthorization(Policies.Admin);

        api.MapPut("/{key}/credentials", async (string key, CredentialsInput input, CurrentUser user, DeskVisionDb db, IDataProtectionProvider protection, CancellationToken ct) =>
        {
            var camera = await db.Cameras.FirstOrDefaultAsync(c => c.Key == key, ct);
            if (camera is null) return Results.NotFound();
            camera.User = string.IsNullOrEmpty(input.User) ? null : input.User;
            camera.PasswordProtected = string.IsNullOrEmpty(input.Password) ? null
                : protection.CreateProtector(CameraSources.PasswordPurpose).Protect(input.Password);
            // Who changed them and when; never the values.
            db.AuditLog.Add(new AuditLogEntry { At = DateTimeOffset.UtcNow, Actor = user.UserName, Action = "camera.credentials", Subject = key });
            await db.SaveChangesAsync(ct);
            return Results.NoContent();
        }).RequireAuthorization(Policies.Admin);

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
}
