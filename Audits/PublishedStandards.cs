using DeskVision.Scoring;
using DeskVision.Store;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Audits;

/// <summary>
/// Which stored version of the standard new audits are scored with: the one published last. Publishing is an admin's
/// import or form edit, or the site's standard file at start-up. Every version keeps its text, and every audit the id
/// of the version that judged it, so publishing a new version never changes an old audit.
/// </summary>
public static class PublishedStandards
{
    public const string FromFile = "file", FromImport = "import", FromForm = "form";

    /// <summary>The current version: its id and content hash.</summary>
    public sealed record Current(int Id, string ContentHash);

    public static Task<Current?> CurrentAsync(DeskVisionDb db, CancellationToken ct) =>
        db.StandardVersions.AsNoTracking()
            .Where(v => v.PublishedAt != null && v.Content != null)
            .OrderByDescending(v => v.PublishedAt).ThenByDescending(v => v.Id)
            .Select(v => new Current(v.Id, v.ContentHash))
            .FirstOrDefaultAsync(ct);

    /// <summary>
    /// Makes this standard the one new audits are scored with: stores it with its text if it is new, and marks it
    /// published now. Publishing the text of an older version again makes that version current again (same content,
    /// same version: audits scored with it stay comparable).
    /// </summary>
    public static async Task<int> PublishAsync(DeskVisionDb db, Standard standard, string content, string origin, string by,
        DateTimeOffset now, CancellationToken ct)
    {
        int id = await new AuditWriter(db).EnsureStandardAsync(standard, ct, content);
        await db.StandardVersions.Where(v => v.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(v => v.PublishedAt, now).SetProperty(v => v.PublishedBy, by).SetProperty(v => v.Origin, origin), ct);
        return id;
    }

    /// <summary>
    /// At start-up: the site's standard file is published when its content has never been published (the file was
    /// edited, or this is a new database). A version an admin published in the app since stays current across restarts.
    /// </summary>
    public static async Task<int> PublishFileAsync(DeskVisionDb db, Standard standard, string content, string path, DateTimeOffset now, CancellationToken ct)
    {
        var published = await db.StandardVersions.AsNoTracking().Where(v => v.ContentHash == standard.ContentHash)
            .Select(v => new { v.PublishedAt }).FirstOrDefaultAsync(ct);
        if (published?.PublishedAt is null) return await PublishAsync(db, standard, content, FromFile, path, now, ct);
        return await new AuditWriter(db).EnsureStandardAsync(standard, ct, content);
    }
}
