using System.Diagnostics;
using DeskVision.Scoring;
using DeskVision.Store;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using OpenCvSharp;

namespace DeskVision.Tools;

/// <summary>
/// A hall with days of audits as the camera jobs would have left them, written in bulk SQL for the page benchmark:
/// per window a camera (counter, seat, customer zones) and a staff member on a daily roster; three inspections a day at
/// a random time in each band (一日三巡检), each with its plan row; about 2% failed and 1% unreliable; four detections per
/// picture; a violation in about a third of the audits (a second in some), most rectified by the next audit, some
/// closed by hand, the rest open; some appealed by the staff member on duty (overturned, upheld or pending), some marked
/// false positive on review, with the audit-log entries those decisions write. Snapshots are real office CCTV photos.
/// </summary>
public sealed record YearOfAudits(string SiteKey, int SiteId, int[] CameraIds, int[] WindowIds, int[] StaffIds, Counts Totals)
{
    public const string TimeZone = "Asia/Shanghai";
    public const int ImageWidth = 1280, ImageHeight = 720;

    /// <summary>Names of the staff at the windows, in window order (more windows repeat them with a number).</summary>
    private static readonly string[] Names =
        ["张敏", "李强", "王芳", "赵磊", "刘洋", "陈静", "杨帆", "黄丽", "周杰", "吴婷", "徐明", "孙悦", "胡军", "朱琳", "高峰", "林娜", "何涛", "郭敏", "马超", "罗佳"];

    /// <summary>What a window camera finds: the clause, the zone, the object behind it (none for an absence) and where it is.</summary>
    private sealed record Finding(string Clause, string Zone, string? Label, int ClassId, float X1, float Y1, float X2, float Y2);

    // Phones and cups are what halls find most, so they are listed twice.
    private static readonly Finding[] Findings =
    [
        new("desk.phone-on-desk", "counter", "cell phone", 67, 420, 380, 480, 430),
        new("desk.phone-on-desk", "counter", "cell phone", 67, 520, 400, 580, 450),
        new("desk.cup", "counter", "cup", 41, 700, 360, 760, 440),
        new("desk.cup", "counter", "bottle", 39, 760, 340, 800, 440),
        new("desk.private-items", "counter", "handbag", 26, 880, 330, 1030, 470),
        new("behaviour.no-eating", "counter", "sandwich", 48, 560, 400, 640, 450),
        new("presence.unattended-window", "seat", null, -1, 256, 504, 1024, 720),
        new("behaviour.phone-use", "seat", "cell phone", 67, 600, 560, 650, 610),
        // The desk-layout check's finding: not a COCO class.
        new("desk.surface-tidy", "counter", "desk-changed", -1, 300, 300, 900, 500),
    ];

    /// <summary>
    /// Seeds <paramref name="windows"/> windows with <paramref name="days"/> days of audits up to now, a month of days per
    /// statement (progress after each), then analyses the tables as autovacuum would have by then.
    /// </summary>
    public static async Task<YearOfAudits> SeedAsync(string connectionString, int windows, int days, string evidenceFolder, Action<string> progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var standard = StandardFile.Load(AppSettings.DefaultStandardFile);
        string siteKey = "bench-hall";
        int standardId;
        var cameraIds = new int[windows];
        await using (var db = await Database.OpenAsync(connectionString, ct))
        {
            var writer = new AuditWriter(db);
            standardId = await writer.EnsureStandardAsync(standard, ct);
            for (int i = 0; i < windows; i++)
                cameraIds[i] = await writer.EnsureCameraAsync(new CameraLayout($"bench-w{i + 1:00}", siteKey, $"{i + 1}号窗口", 0.5,
                [
                    new Zone("counter", ZoneKind.Desk, [(0, 0.4), (1, 0.4), (1, 0.7), (0, 0.7)]),
                    new Zone("seat", ZoneKind.Seat, [(0.2, 0.7), (0.8, 0.7), (0.8, 1), (0.2, 1)]),
                    new Zone("customers", ZoneKind.CustomerView, [(0, 0), (1, 0), (1, 0.4), (0, 0.4)]),
                ], $"http://192.0.2.{i + 10}/ISAPI/Streaming/channels/101/picture"), ct);
            await db.Sites.Where(s => s.Key == siteKey).ExecuteUpdateAsync(s => s.SetProperty(x => x.Name, "示范政务服务大厅").SetProperty(x => x.TimeZone, TimeZone), ct);
        }
        int photos = WritePhotos(evidenceFolder);

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        // The same hall every run: random() is seeded once for the session.
        await ExecuteAsync(connection, "SELECT setseed(0.42)", [], ct);
        int siteId = await ScalarAsync<int>(connection, """SELECT "Id" FROM "Sites" WHERE "Key" = @site""", [new("site", siteKey)], ct);
        int[] windowIds = await ListAsync<int>(connection, """SELECT "WindowId" FROM "Cameras" WHERE "Id" = ANY(@cameras) ORDER BY "Id" """, [new("cameras", cameraIds)], ct);

        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
        var first = today.AddDays(1 - days);
        int[] staffIds = await StaffAndRosterAsync(connection, siteId, windowIds, first, today, ct);
        progress($"hall {siteKey}: {windows} windows, {staffIds.Length} staff on a daily roster from {first:yyyy-MM-dd} to {today:yyyy-MM-dd}, {photos} snapshot photos");

        // A month of days per statement: small enough to report progress, large enough to be bulk work.
        for (var from = first; from <= today;)
        {
            var to = new DateOnly(from.Year, from.Month, 1).AddMonths(1);
            if (to > today.AddDays(1)) to = today.AddDays(1);
            long after = await ScalarAsync<long>(connection, """SELECT coalesce(max("Id"), 0) FROM "Audits" """, [], ct);
            int audits = await AuditsAsync(connection, cameraIds, standardId, from, to, photos, ct);
            await DetectionsAndViolationsAsync(connection, standard, standardId, after, ct);
            progress($"seeded {from:yyyy-MM-dd}..{to.AddDays(-1):yyyy-MM-dd}: {audits} audits ({clock.Elapsed.TotalSeconds:0.0} s so far)");
            from = to;
        }

        await RectifyAndScoreAsync(connection, cameraIds, ct);
        await AppealsAndReviewsAsync(connection, ct);
        await ExecuteAsync(connection, """
            INSERT INTO "SiteWebhooks" ("SiteId", "Url", "Format", "Enabled") VALUES (@site, 'http://127.0.0.1:9/robot/send?access_token=bench', 'dingtalk', true)
            """, [new("site", siteId)], ct);
        await ExecuteAsync(connection, "ANALYZE", [], ct);

        var totals = new Counts(
            await ScalarAsync<long>(connection, """SELECT count(*) FROM "Audits" """, [], ct),
            await ScalarAsync<long>(connection, """SELECT count(*) FROM "Audits" WHERE "Status" = 'ok'""", [], ct),
            await ScalarAsync<long>(connection, """SELECT count(*) FROM "AuditDetections" """, [], ct),
            await ScalarAsync<long>(connection, """SELECT count(*) FROM "AuditViolations" """, [], ct),
            await ScalarAsync<long>(connection, """SELECT count(*) FROM "AuditViolations" WHERE "ClosedAt" IS NULL""", [], ct),
            await ScalarAsync<long>(connection, """SELECT count(*) FROM "Appeals" WHERE "StaffId" IS NOT NULL""", [], ct),
            await ScalarAsync<long>(connection, """SELECT count(*) FROM "Appeals" WHERE "StaffId" IS NULL""", [], ct),
            await ScalarAsync<long>(connection, """SELECT count(*) FROM "DutyShifts" """, [], ct),
            days, clock.Elapsed);
        progress($"seeded {totals} in {clock.Elapsed.TotalSeconds:0.0} s (analysed)");
        return new YearOfAudits(siteKey, siteId, cameraIds, windowIds, staffIds, totals);
    }

    /// <summary>Office CCTV photos scaled to the audits' image size, as bench/0.jpg, bench/1.jpg… in the evidence folder.</summary>
    private static int WritePhotos(string evidenceFolder)
    {
        string source = Path.Combine(ProjectPaths.Root, "..", "shared", "testdata", "office", "images");
        var files = Directory.Exists(source) ? Directory.GetFiles(source, "*.jpg").Order().Take(8).ToList() : [];
        if (files.Count == 0) throw new UsageException($"bench-pages: no photos in '{source}' to use as snapshots");
        Directory.CreateDirectory(Path.Combine(evidenceFolder, "bench"));
        for (int i = 0; i < files.Count; i++)
        {
            using var photo = Cv2.ImRead(files[i]);
            using var scaled = photo.Resize(new Size(ImageWidth, ImageHeight));
            scaled.SaveImage(Path.Combine(evidenceFolder, "bench", $"{i}.jpg"));
        }
        return files.Count;
    }

    private static async Task<int[]> StaffAndRosterAsync(NpgsqlConnection connection, int siteId, int[] windowIds, DateOnly first, DateOnly last, CancellationToken ct)
    {
        var staff = new int[windowIds.Length];
        for (int i = 0; i < windowIds.Length; i++)
            staff[i] = await ScalarAsync<int>(connection, """INSERT INTO "Staff" ("SiteId", "Name", "WindowId") VALUES (@site, @name, @window) RETURNING "Id" """,
                [new("site", siteId), new("name", i < Names.Length ? Names[i] : $"{Names[i % Names.Length]}{i / Names.Length + 1}"), new("window", windowIds[i])], ct);
        // Each at their own window, 08:30 to 17:30 every day: attribution and what staff see go by these rows.
        await ExecuteAsync(connection, """
            INSERT INTO "DutyShifts" ("StaffId", "WindowId", "From", "To", "Source")
            SELECT s."Id", s."WindowId", (d::date + time '08:30') AT TIME ZONE @zone, (d::date + time '17:30') AT TIME ZONE @zone, 'site.yaml'
            FROM "Staff" s CROSS JOIN generate_series(@first::timestamp, @last::timestamp, interval '1 day') AS d
            WHERE s."Id" = ANY(@staff)
            """, [new("zone", TimeZone), new("first", first.ToDateTime(TimeOnly.MinValue)), new("last", last.ToDateTime(TimeOnly.MinValue)), new("staff", staff)], ct);
        return staff;
    }

    /// <summary>Three inspections a day per camera, one at a random time in each band, up to now; returns how many.</summary>
    private static Task<int> AuditsAsync(NpgsqlConnection connection, int[] cameras, int standardId, DateOnly from, DateOnly to, int photos, CancellationToken ct) =>
        ExecuteAsync(connection, """
            WITH slots AS (
                SELECT c.id AS camera, d::date AS day,
                       (d::date + b.start + make_interval(secs => floor(random() * b.seconds))) AT TIME ZONE @zone AS due
                FROM unnest(@cameras) AS c(id)
                CROSS JOIN generate_series(@from::timestamp, @to::timestamp - interval '1 day', interval '1 day') AS d
                CROSS JOIN (VALUES (time '09:00', 9000), (time '11:30', 9000), (time '14:00', 12600)) AS b(start, seconds)
            ), plans AS (
                INSERT INTO "PlannedAudits" ("CameraId", "Day", "Kind", "DueAt", "BurstIndex", "State")
                SELECT camera, day, 'inspection', due, 0, 'done' FROM slots WHERE due <= now()
                RETURNING "Id", "CameraId", "DueAt"
            ), drawn AS (
                SELECT p.*, random() AS r FROM plans p
            )
            INSERT INTO "Audits" ("CameraId", "TakenAt", "StoredAt", "Status", "FailureReason", "ModelId", "StandardVersionId",
                                  "ImageWidth", "ImageHeight", "Score", "Source", "SnapshotPath", "RunKey", "PlannedAuditId", "ProcessedBy")
            SELECT "CameraId", "DueAt", "DueAt" + interval '4 seconds',
                   CASE WHEN r < 0.02 THEN 'failed' WHEN r < 0.03 THEN 'unreliable' ELSE 'ok' END,
                   CASE WHEN r < 0.02 THEN 'no answer from the camera in 5 s (3 attempts)' WHEN r < 0.03 THEN 'picture blurred (sharpness 11.2 < 30.0)' END,
                   'yolov8s', @standard,
                   CASE WHEN r < 0.02 THEN 0 ELSE @width END, CASE WHEN r < 0.02 THEN 0 ELSE @height END,
                   CASE WHEN r < 0.03 THEN 0 ELSE 100 END,
                   'http://camera/ISAPI/Streaming/channels/101/picture',
                   CASE WHEN r < 0.02 THEN NULL ELSE 'bench/' || ("Id" % @photos) || '.jpg' END,
                   'plan:' || "Id", "Id", 'bench:0'
            FROM drawn
            """,
            [
                new("zone", TimeZone), new("cameras", cameras), new("from", from.ToDateTime(TimeOnly.MinValue)), new("to", to.ToDateTime(TimeOnly.MinValue)),
                new("standard", standardId), new("width", ImageWidth), new("height", ImageHeight), new("photos", photos),
            ], ct);

    /// <summary>For the audits after id <paramref name="after"/>: what the detector saw, and the violations it meant.</summary>
    private static async Task DetectionsAndViolationsAsync(NpgsqlConnection connection, Standard standard, int standardId, long after, CancellationToken ct)
    {
        // A person at the seat, the chair, keyboard and monitor on every picture that was judged.
        await ExecuteAsync(connection, """
            INSERT INTO "AuditDetections" ("AuditId", "Label", "ClassId", "Confidence", "X1", "Y1", "X2", "Y2")
            SELECT a."Id", o.label, o.class, 0.55 + random() * 0.4, o.x1 + random() * 30 - 15, o.y1 + random() * 20 - 10, o.x2 + random() * 30 - 15, o.y2 + random() * 20 - 10
            FROM "Audits" a
            CROSS JOIN (VALUES ('person', 0, 520, 180, 780, 700), ('chair', 56, 480, 420, 820, 720), ('keyboard', 66, 420, 470, 640, 530), ('tv', 62, 300, 250, 520, 430))
                AS o(label, class, x1, y1, x2, y2)
            WHERE a."Id" > @after AND a."Status" = 'ok'
            """, [new("after", after)], ct);

        // A first violation in 30% of ok audits, a second (another finding) in 8%; points as the site's standard gives them.
        var points = Findings.Select(f => standard.Find(f.Clause)?.Rules[0].Points ?? throw new InvalidOperationException($"the standard has no clause {f.Clause}")).ToArray();
        await ExecuteAsync(connection, """
            WITH drawn AS (
                SELECT a."Id" AS audit, n, random() AS r, 1 + floor(random() * @findings)::int AS pick
                FROM "Audits" a CROSS JOIN generate_series(1, 2) AS n
                WHERE a."Id" > @after AND a."Status" = 'ok'
            ), picked AS (
                SELECT DISTINCT ON (audit, pick) audit, pick FROM drawn WHERE r < CASE n WHEN 1 THEN 0.30 ELSE 0.08 END
            ), found AS (
                INSERT INTO "AuditViolations" ("AuditId", "ClauseId", "ZoneName", "Points", "Reason", "X1", "Y1", "X2", "Y2", "Label", "Confidence")
                SELECT p.audit, c."Id", f.zone, f.points,
                       coalesce(f.label || ' in ' || f.zone, 'no one at the seat on 3 snapshots'),
                       f.x1 + shift.dx, f.y1 + shift.dy, f.x2 + shift.dx, f.y2 + shift.dy,
                       f.label, CASE WHEN f.label IS NOT NULL THEN 0.5 + random() * 0.45 END
                FROM picked p
                JOIN unnest(@clauses, @zones, @labels, @classes, @points, @x1, @y1, @x2, @y2) WITH ORDINALITY AS f(clause, zone, label, class, points, x1, y1, x2, y2, pick) ON f.pick = p.pick
                JOIN "Clauses" c ON c."Key" = f.clause AND c."StandardVersionId" = @standard
                -- Not always the same spot on the desk, so the density overlay has a spread to show.
                CROSS JOIN LATERAL (SELECT ((p.audit * 7) % 11 - 5) * 24 AS dx, ((p.audit * 5) % 7 - 3) * 12 AS dy) AS shift
                RETURNING "AuditId", "Label", "Confidence", "X1", "Y1", "X2", "Y2"
            )
            -- The object behind a violation is one of the audit's detections too.
            INSERT INTO "AuditDetections" ("AuditId", "Label", "ClassId", "Confidence", "X1", "Y1", "X2", "Y2")
            SELECT found."AuditId", found."Label", k.class, found."Confidence", found."X1", found."Y1", found."X2", found."Y2"
            FROM found JOIN (SELECT DISTINCT label, class FROM unnest(@labels, @classes) AS k(label, class)) AS k ON k.label = found."Label"
            """,
            [
                new("after", after), new("findings", Findings.Length), new("standard", standardId),
                new("clauses", Findings.Select(f => f.Clause).ToArray()), new("zones", Findings.Select(f => f.Zone).ToArray()),
                new("labels", Findings.Select(f => f.Label).ToArray()), new("classes", Findings.Select(f => f.ClassId).ToArray()), new("points", points),
                new("x1", Findings.Select(f => f.X1).ToArray()), new("y1", Findings.Select(f => f.Y1).ToArray()),
                new("x2", Findings.Select(f => f.X2).ToArray()), new("y2", Findings.Select(f => f.Y2).ToArray()),
            ], ct);
    }

    /// <summary>85% rectified by the camera's next ok audit, 5% closed by hand (older than a day), the rest open; scores from the points.</summary>
    private static async Task RectifyAndScoreAsync(NpgsqlConnection connection, int[] cameras, CancellationToken ct)
    {
        await ExecuteAsync(connection, """
            WITH next AS (
                SELECT "Id", lead("Id") OVER w AS next_id, lead("TakenAt") OVER w AS next_at
                FROM "Audits" WHERE "Status" = 'ok' AND "CameraId" = ANY(@cameras)
                WINDOW w AS (PARTITION BY "CameraId" ORDER BY "TakenAt")
            )
            UPDATE "AuditViolations" v SET "RectifiedByAuditId" = n.next_id, "ClosedAt" = n.next_at
            FROM next n WHERE n."Id" = v."AuditId" AND n.next_id IS NOT NULL AND v."Id" % 20 < 17
            """, [new("cameras", cameras)], ct);
        await ExecuteAsync(connection, """
            UPDATE "AuditViolations" v SET "ClosedAt" = a."TakenAt" + interval '40 minutes', "ClosedBy" = '陈主任', "CloseNote" = '已当场整改 put right on the spot'
            FROM "Audits" a WHERE a."Id" = v."AuditId" AND v."Id" % 20 = 17 AND a."TakenAt" < now() - interval '1 day'
            """, [], ct);
        await ExecuteAsync(connection, """
            UPDATE "Audits" a SET "Score" = greatest(0, 100 - s.points)
            FROM (SELECT "AuditId", sum("Points") AS points FROM "AuditViolations" GROUP BY "AuditId") s WHERE s."AuditId" = a."Id"
            """, [], ct);
    }

    /// <summary>
    /// 4% of violations appealed by whoever the roster had on duty (half overturned, a third upheld, the rest pending),
    /// 1% marked false positive on review (no staff member), 10% confirmed on review; each decision in the audit log.
    /// </summary>
    private static async Task AppealsAndReviewsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await ExecuteAsync(connection, """
            INSERT INTO "Appeals" ("ViolationId", "StaffId", "Reason", "FiledAt", "Outcome", "DecidedBy", "DecidedAt", "DecisionNote")
            SELECT v."Id", s."StaffId", '当时在接待群众，物品是群众的 it was the customer''s', a."TakenAt" + interval '2 hours',
                   CASE WHEN v."Id" % 6 < 3 THEN 'overturned' WHEN v."Id" % 6 < 5 THEN 'upheld' END,
                   CASE WHEN v."Id" % 6 < 5 THEN '陈主任' END,
                   CASE WHEN v."Id" % 6 < 5 THEN least(now(), a."TakenAt" + interval '1 day') END,
                   CASE WHEN v."Id" % 6 < 3 THEN '监控确认不属违规 footage checked' WHEN v."Id" % 6 < 5 THEN '维持 the item was on the counter' END
            FROM "AuditViolations" v
            JOIN "Audits" a ON a."Id" = v."AuditId"
            JOIN "Cameras" c ON c."Id" = a."CameraId"
            JOIN "DutyShifts" s ON s."WindowId" = c."WindowId" AND s."From" <= a."TakenAt" AND a."TakenAt" < s."To"
            WHERE v."Id" % 25 = 3
            """, [], ct);
        await ExecuteAsync(connection, """
            INSERT INTO "Appeals" ("ViolationId", "StaffId", "Reason", "FiledAt", "Outcome", "DecidedBy", "DecidedAt", "DecisionNote")
            SELECT v."Id", NULL, @reason, least(now(), a."TakenAt" + interval '3 hours'), 'overturned', '陈主任 (bench-manager)',
                   least(now(), a."TakenAt" + interval '3 hours'), '误报 a calculator, not a phone'
            FROM "AuditViolations" v JOIN "Audits" a ON a."Id" = v."AuditId"
            WHERE v."Id" % 100 = 50
            """, [new("reason", Web.Reports.Appeals.ReviewReason)], ct);
        await ExecuteAsync(connection, """
            INSERT INTO "AuditLog" ("At", "Actor", "Action", "Subject", "Details")
            SELECT p."DecidedAt", 'bench-manager', 'appeal.' || p."Outcome", 'appeal:' || p."Id", p."DecisionNote"
            FROM "Appeals" p WHERE p."StaffId" IS NOT NULL AND p."Outcome" IS NOT NULL
            UNION ALL
            SELECT p."DecidedAt", 'bench-manager', 'violation.false-positive', 'violation:' || p."ViolationId", p."DecisionNote"
            FROM "Appeals" p WHERE p."StaffId" IS NULL
            UNION ALL
            SELECT a."TakenAt" + interval '1 hour', 'bench-manager', 'violation.confirm', 'violation:' || v."Id", 'confirmed on review'
            FROM "AuditViolations" v JOIN "Audits" a ON a."Id" = v."AuditId" WHERE v."Id" % 10 = 1
            """, [], ct);
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        command.Parameters.AddRange(parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        command.Parameters.AddRange(parameters);
        return (T)Convert.ChangeType((await command.ExecuteScalarAsync(ct))!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<T[]> ListAsync<T>(NpgsqlConnection connection, string sql, NpgsqlParameter[] parameters, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        command.Parameters.AddRange(parameters);
        var values = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) values.Add(reader.GetFieldValue<T>(0));
        return values.ToArray();
    }
}

/// <summary>How much a seeded hall holds.</summary>
public sealed record Counts(long Audits, long OkAudits, long Detections, long Violations, long OpenViolations, long StaffAppeals, long ReviewFalsePositives,
    long Shifts, int Days, TimeSpan SeedTime)
{
    public override string ToString() =>
        $"{Audits} audits ({OkAudits} ok), {Detections} detections, {Violations} violations ({OpenViolations} open), " +
        $"{StaffAppeals} staff appeals, {ReviewFalsePositives} false positives marked on review, {Shifts} duty shifts";
}
