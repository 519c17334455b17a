using System.Globalization;
using DeskVision.Ingest;
using DeskVision.Store;
using DeskVision.Web.Accounts;
using DeskVision.Web.Audits;
using DeskVision.Web.Insights;
using DeskVision.Web.Resources;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Zones;

/// <summary>
/// A camera's reference pictures, for the hall's managers and admins: listed with whether each is stale
/// (<c>GET /api/cameras/{key}/references</c>), shown (<c>.../references/{kind}/image</c>), and taken from the camera's
/// live snapshot (<c>POST .../references/{kind}</c>, or the zone editor's buttons, which post to
/// <c>/cameras/{key}/references/{kind}</c>). The pause sign is a crop of the snapshot: <c>crop=x1,y1,x2,y2</c>, normalised.
/// Both POSTs need the page's anti-forgery token (form field or <c>RequestVerificationToken</c> header).
/// </summary>
public static class ReferencePictureApi
{
    public static void MapReferencePictures(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").RequireAuthorization(Policies.Manager);
        group.MapGet("/api/cameras/{key}/references", List);
        group.MapGet("/api/cameras/{key}/references/{kind}/image", Image);
        group.MapPost("/api/cameras/{key}/references/{kind}", TakeJson);
        group.MapPost("/cameras/{key}/references/{kind}", TakeForm);
    }

    private static Task<Camera?> FindAsync(DeskVisionDb db, CurrentUser user, string key, CancellationToken ct) =>
        db.Cameras.VisibleTo(user).Include(c => c.Window).ThenInclude(w => w.Site).Include(c => c.Zones).Include(c => c.References)
            .FirstOrDefaultAsync(c => c.Key == key, ct);

    /// <summary>The camera's references as the editor and the API show them: app's over the camera file's, stale or not.</summary>
    public static IReadOnlyList<ReferencePictures.Entry> Current(ReferencePictures references, Camera camera) =>
        references.List(camera, CameraFiles.Complete(camera.ToLayout()).References);

    private static async Task<IResult> List(string key, CurrentUser user, DeskVisionDb db, ReferencePictures references, CancellationToken ct)
    {
        var camera = await FindAsync(db, user, key, ct);
        if (camera is null) return Results.NotFound();
        return Results.Ok(new
        {
            camera = camera.Key, kinds = ReferenceKinds.All, camera.MovedAt, camera.MovedReason,
            references = Current(references, camera).Select(e => new
            {
                e.Kind, e.Source, e.TakenAt, e.TakenBy, e.Width, e.Height, e.Stale,
                image = $"/api/cameras/{Uri.EscapeDataString(camera.Key)}/references/{e.Kind}/image",
            }),
        });
    }

    private static async Task<IResult> Image(string key, string kind, CurrentUser user, DeskVisionDb db, ReferencePictures references, CancellationToken ct)
    {
        var camera = await FindAsync(db, user, key, ct);
        if (camera is null || !ReferenceKinds.All.Contains(kind)) return Results.NotFound();
        var entry = Current(references, camera).FirstOrDefault(e => e.Kind == kind);
        if (entry is null) return Results.NotFound();
        return Results.File(entry.FullPath, entry.FullPath.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? "image/png" : "image/jpeg");
    }

    /// <summary>What taking a reference gave: the stored row, or the field at fault and why, with the HTTP status to answer.</summary>
    private sealed record Taken(CameraReference? Reference, string? Field, string? Problem, int Status);

    private static async Task<Taken> TakeAsync(Camera camera, string kind, string? crop, CurrentUser user, DeskVisionDb db, CameraSources sources,
        ReferencePictures references, TimeProvider clock, ILogger log, CancellationToken ct)
    {
        double[]? box = null;
        if (kind == ReferenceKinds.PauseSign || !string.IsNullOrWhiteSpace(crop))
        {
            if (string.IsNullOrWhiteSpace(crop)) return new Taken(null, "crop", "the pause sign is a part of the picture: give crop=x1,y1,x2,y2 (0..1) around the sign", 400);
            box = ParseCrop(crop, out string? problem);
            if (box is null) return new Taken(null, "crop", problem, 400);
        }
        var now = clock.GetUtcNow();
        byte[] snapshot;
        try { snapshot = (await sources.TakeAsync(camera, now, ct)).Image; }
        catch (BadSnapshotException e)
        {
            return new Taken(null, "camera", $"no live snapshot: {CameraUrl.Redact(e.Message)}", StatusCodes.Status502BadGateway);
        }
        try
        {
            var row = await references.SaveAsync(db, camera, kind, snapshot, box, user.UserName, now, ct);
            log.LogInformation("Camera {Camera}: {Kind} reference taken by {User} ({Width}×{Height})", camera.Key, kind, user.UserName, row.Width, row.Height);
            return new Taken(row, null, null, StatusCodes.Status201Created);
        }
        catch (BadSnapshotException e) { return new Taken(null, "camera", $"the live snapshot cannot be used: {e.Message}", StatusCodes.Status502BadGateway); }
        catch (ReferencePictures.RefusedException e) { return new Taken(null, e.Field, e.Message, StatusCodes.Status422UnprocessableEntity); }
    }

    /// <summary><c>x1,y1,x2,y2</c> in 0..1 with x1 &lt; x2 and y1 &lt; y2; null (and why) otherwise.</summary>
    public static double[]? ParseCrop(string text, out string? problem)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : double.NaN).ToArray();
        problem = values.Length != 4 || values.Any(double.IsNaN) ? $"must be four numbers x1,y1,x2,y2, got '{text}'"
            : values.Any(v => v is < 0 or > 1) ? $"must lie in 0..1 (normalised to the picture), got '{text}'"
            : values[0] >= values[2] || values[1] >= values[3] ? $"must have x1 < x2 and y1 < y2, got '{text}'"
            : null;
        return problem is null ? values : null;
    }

    private static async Task<IResult> TakeJson(string key, string kind, string? crop, CurrentUser user, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery,
        CameraSources sources, ReferencePictures references, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        var camera = await FindAsync(db, user, key, ct);
        if (camera is null || !ReferenceKinds.All.Contains(kind)) return Results.NotFound();
        if (!await PageParts.ValidTokenAsync(antiforgery, http)) return Results.BadRequest(new { field = "token", problem = "the page's anti-forgery token is missing or stale" });
        var taken = await TakeAsync(camera, kind, crop, user, db, sources, references, clock, logs.CreateLogger(typeof(ReferencePictureApi)), ct);
        if (taken.Reference is not { } r) return Results.Json(new { field = taken.Field, problem = taken.Problem }, statusCode: taken.Status);
        return Results.Created($"/api/cameras/{Uri.EscapeDataString(camera.Key)}/references/{kind}/image",
            new { kind, takenAt = r.CapturedAt, takenBy = r.CapturedBy, r.Width, r.Height, r.Crop, stale = false });
    }

    private static async Task<IResult> TakeForm(string key, string kind, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery,
        CameraSources sources, ReferencePictures references, TimeProvider clock, ILoggerFactory logs, CancellationToken ct)
    {
        var camera = await FindAsync(db, user, key, ct);
        if (camera is null || !ReferenceKinds.All.Contains(kind)) return Results.NotFound();
        if (!await PageParts.ValidTokenAsync(antiforgery, http)) return PageParts.BadToken(t);
        string? crop = (await http.Request.ReadFormAsync(ct))["crop"].ToString();
        var taken = await TakeAsync(camera, kind, crop, user, db, sources, references, clock, logs.CreateLogger(typeof(ReferencePictureApi)), ct);
        string back = $"/cameras/{Uri.EscapeDataString(camera.Key)}/zones";
        return Results.Redirect(taken.Reference is null
            ? $"{back}?reference={kind}&problem={Uri.EscapeDataString($"{taken.Field}: {taken.Problem}")}#references"
            : $"{back}?reference={kind}#references");
    }
}
