using System.Collections.Concurrent;
using System.Text.Json;
using DeskVision.Scoring;
using DeskVision.Store;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Audits;

/// <summary>Writes audits, and the camera and standard version they refer to, in one transaction each.</summary>
public sealed class AuditWriter(DeskVisionDb db)
{
    // A standard's rows are written once per content hash; later audits only need the id.
    private static readonly ConcurrentDictionary<string, int> StandardIds = new();
    private static readonly string ProcessName = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Stores this version of the standard if it is new; returns its id.</summary>
    /// <param name="content">The text it was read from, kept with a new version (and added to one stored without it).</param>
    public async Task<int> EnsureStandardAsync(Standard standard, CancellationToken ct, string? content = null)
    {
        string cacheKey = $"{db.Database.GetConnectionString()}|{standard.ContentHash}";
        if (StandardIds.TryGetValue(cacheKey, out int cached) && content is null) return cached;
        var existing = await db.StandardVersions.AsNoTracking().Where(s => s.ContentHash == standard.ContentHash).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct);
        if (existing is not null && content is not null)
            await db.StandardVersions.Where(s => s.Id == existing && s.Content == null).ExecuteUpdateAsync(s => s.SetProperty(v => v.Content, content), ct);
        if (existing is null)
        {
            var version = new StandardVersion
            {
                Name = standard.Name, Version = standard.Version, ContentHash = standard.ContentHash, LoadedAt = DateTimeOffset.UtcNow, Content = content,
                Clauses = standard.Clauses.Select(c => new Store.Clause
                {
                    Key = c.Id, TitleZh = c.TitleZh, TitleEn = c.TitleEn, Category = c.Category, Severity = c.Severity,
                    TextZh = c.TextZh, Active = c.Active, MaxPoints = c.MaxPoints, Pillar = c.Pillar,
                    RulesJson = JsonSerializer.Serialize(c.Rules.Select(r => new
                    {
                        kind = r.Kind.ToString(), labels = r.Labels, zones = r.Zones.Select(z => z.Name()), minConfidence = r.MinConfidence, points = r.Points,
                    })),
                }).ToList(),
            };
            db.StandardVersions.Add(version);
            // In the same transaction: of processes storing the same new version at once, one stores it and logs it.
            db.AuditLog.Add(new AuditLogEntry
            {
                At = version.LoadedAt, Actor = StandardFileActor, Action = StandardVersionAction, Subject = StandardSubject(standard.Name),
                Details = await ChangesSinceLastAsync(version, ct),
            });
            try
            {
                await db.SaveChangesAsync(ct);
                existing = version.Id;
            }
            catch (DbUpdateException)
            {
                // Another process stored the same version first: use theirs.
                db.ChangeTracker.Clear();
                existing = await db.StandardVersions.Where(s => s.ContentHash == standard.ContentHash).Select(s => s.Id).FirstAsync(ct);
            }
        }
        StandardIds[cacheKey] = existing.Value;
        return existing.Value;
    }

    /// <summary>
    /// The audit log's record of a new version of the standard: the site edits its standard file, and the first process to
    /// load the new content stores it and writes this entry, naming the clauses that changed.
    /// </summary>
    public const string StandardVersionAction = "standard.version", StandardFileActor = "standard-file";
    public static string StandardSubject(string name) => $"standard:{name}";

    /// <summary>"version 2026.2 (a1b2c3d4e5f6): changed desk.cup, desk.phone-on-desk; added …; removed …", against the version stored last.</summary>
    private async Task<string> ChangesSinceLastAsync(StandardVersion next, CancellationToken ct)
    {
        string head = $"version {next.Version} ({next.ContentHash[..Math.Min(12, next.ContentHash.Length)]})";
        var last = await db.StandardVersions.AsNoTracking().Where(s => s.Name == next.Name).OrderByDescending(s => s.LoadedAt).ThenByDescending(s => s.Id)
            .Include(s => s.Clauses).FirstOrDefaultAsync(ct);
        if (last is null) return $"{head}: first version, {next.Clauses.Count} clauses, {next.Clauses.Count(c => c.Active)} active";
        var before = last.Clauses.ToDictionary(c => c.Key);
        var after = next.Clauses.ToDictionary(c => c.Key);
        var changed = after.Values.Where(c => before.TryGetValue(c.Key, out var b)
            && (b.Active != c.Active || b.MaxPoints != c.MaxPoints || b.TextZh != c.TextZh || b.Severity != c.Severity || b.Pillar != c.Pillar
                || !JsonDocumentsEqual(b.RulesJson, c.RulesJson))).Select(c => c.Key).Order().ToList();
        var added = after.Keys.Except(before.Keys).Order().ToList();
        var removed = before.Keys.Except(after.Keys).Order().ToList();
        string List(string what, List<string> keys) => keys.Count == 0 ? "" : $"; {what} {string.Join(", ", keys)}";
        string details = $"{head} after {last.Version}: {changed.Count} changed, {added.Count} added, {removed.Count} removed" +
                         List("changed", changed) + List("added", added) + List("removed", removed);
        return details.Length > 4000 ? details[..4000] : details;
    }

    // jsonb comes back from PostgreSQL re-spaced and with its keys re-ordered; compare the documents, not the text.
    private static bool JsonDocumentsEqual(string a, string b) =>
        System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(a), System.Text.Json.Nodes.JsonNode.Parse(b));

    /// <summary>The audit log's record of a zone edit in the app: its action, and its subject for a camera.</summary>
    public const string ZonesEditedAction = "camera.zones";
    public static string CameraSubject(string cameraKey) => $"camera:{cameraKey}";

    /// <summary>Creates or updates the site, window, camera and zones a camera file describes; returns the camera id.</summary>
    public async Task<int> EnsureCameraAsync(CameraLayout layout, CancellationToken ct)
    {
        var site = await db.Sites.FirstOrDefaultAsync(s => s.Key == layout.Site, ct)
            ?? db.Sites.Add(new Site { Key = layout.Site, Name = layout.Site }).Entity;
        var camera = await db.Cameras.Include(c => c.Zones).Include(c => c.Window).FirstOrDefaultAsync(c => c.Key == layout.CameraKey, ct);
        if (camera is null)
        {
            var window = site.Id == 0 ? null : await db.Windows.FirstOrDefaultAsync(w => w.SiteId == site.Id && w.Name == layout.Window, ct);
            window ??= db.Windows.Add(new Window { Site = site, Name = layout.Window }).Entity;
            camera = db.Cameras.Add(new Camera { Key = layout.CameraKey, Window = window }).Entity;
        }
        camera.ZoneShare = layout.ZoneShare;
        camera.Source = layout.Source;
        // Zones edited in the app's zone editor (it logs every edit) win over the camera file's from then on.
        string subject = CameraSubject(layout.CameraKey);
        bool editedInApp = camera.Id != 0 && await db.AuditLog.AnyAsync(e => e.Subject == subject && e.Action == ZonesEditedAction, ct);
        if (!editedInApp) db.CameraZones.RemoveRange(camera.Zones.Where(z => layout.Zones.All(l => l.Name != z.Name)));
        foreach (var zone in editedInApp ? [] : layout.Zones)
        {
            var row = camera.Zones.FirstOrDefault(z => z.Name == zone.Name);
            if (row is null) camera.Zones.Add(row = new CameraZone { Name = zone.Name, Kind = zone.Kind.Name(), Polygon = [] });
            row.Kind = zone.Kind.Name();
            row.Polygon = zone.Polygon.Select(p => new[] { p.X, p.Y }).ToArray();
        }
        await db.SaveChangesAsync(ct);
        return camera.Id;
    }

    /// <summary>
    /// Stores one audit with its detections and violations. With a <paramref name="runKey"/>, a second call for the same
    /// run (a retried job) stores nothing and returns the first audit's id.
    /// </summary>
    public async Task<long> SaveAsync(AuditResult result, int cameraId, int? standardVersionId, string? source, string? snapshotPath,
        string? runKey, CancellationToken ct, long? plannedAuditId = null)
    {
        if (runKey is not null)
        {
            long? done = await db.Audits.Where(a => a.RunKey == runKey).Select(a => (long?)a.Id).FirstOrDefaultAsync(ct);
            if (done is not null) return done.Value;
        }
        var clauseIds = standardVersionId is null ? new Dictionary<string, int>()
            : await db.Clauses.Where(c => c.StandardVersionId == standardVersionId).ToDictionaryAsync(c => c.Key, c => c.Id, ct);
        var audit = new Audit
        {
            CameraId = cameraId, TakenAt = result.TakenAt, StoredAt = DateTimeOffset.UtcNow,
            Status = result.Status switch
            {
                AuditStatus.Ok => AuditStatuses.Ok,
                AuditStatus.Unreliable => AuditStatuses.Unreliable,
                _ => AuditStatuses.Failed,
            },
            FailureReason = result.FailureReason, ModelId = result.ModelId, StandardVersionId = standardVersionId,
            ImageWidth = result.ImageWidth, ImageHeight = result.ImageHeight, Score = result.Score,
            Source = source, SnapshotPath = snapshotPath, RunKey = runKey, PlannedAuditId = plannedAuditId,
            ProcessedBy = ProcessName,
            DetectionsReusedFrom = result.DetectionsReusedFrom, ZoneSignature = result.ZoneSignature, ChangeNote = result.ChangeNote,
            ConditionsSeen = result.Status == AuditStatus.Ok ? result.Shown.Select(c => new[] { c.ClauseId, c.ZoneName }).ToArray() : [],
            Detections = result.Detections.Select(d => new AuditDetection
            {
                Label = d.Label, ClassId = d.ClassId, Confidence = d.Confidence, X1 = d.Box.X1, Y1 = d.Box.Y1, X2 = d.Box.X2, Y2 = d.Box.Y2,
            }).ToList(),
            Violations = result.Violations.Select(v => new AuditViolation
            {
                ClauseId = clauseIds.TryGetValue(v.ClauseId, out int id) ? id
                    : throw new InvalidOperationException($"violation of clause '{v.ClauseId}', which standard version {standardVersionId} does not have"),
                ZoneName = v.ZoneName, Points = v.Points, Reason = v.Reason,
                X1 = v.Evidence.X1, Y1 = v.Evidence.Y1, X2 = v.Evidence.X2, Y2 = v.Evidence.Y2,
                Label = v.Detection?.Label, Confidence = v.Detection?.Confidence,
            }).ToList(),
        };
        db.Audits.Add(audit);
        // Here rather than in a step after the writer: every caller (jobs, CLI, tests) gets it, in the same transaction.
        await Rectification.ApplyAsync(db, audit, result.Violations.Select(v => new Condition(v.ClauseId, v.ZoneName)).ToList(), result.Shown.ToHashSet(), ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (runKey is not null)
        {
            // The same run finished in another worker between our check and our insert.
            db.ChangeTracker.Clear();
            return await db.Audits.Where(a => a.RunKey == runKey).Select(a => a.Id).FirstAsync(ct);
        }
        return audit.Id;
    }
}
