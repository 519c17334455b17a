using DeskVision.Scoring;
using DeskVision.Store;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Reports;

/// <summary>One line of a roll-up.</summary>
/// <param name="Key">What the line groups by: window or staff id, clause key, pillar, site key, or the period's first day.</param>
/// <param name="Audits">Ok audits in the group; on clause and pillar lines, the audits that found it.</param>
/// <param name="AverageScore">Mean counted score of those audits; null on clause and pillar lines, or with no audits.</param>
/// <param name="Violations">Violations that count (not overturned on appeal).</param>
/// <param name="Open">Of those, the ones still open now (not rectified, not closed by a manager).</param>
/// <param name="Overturned">Violations overturned on appeal: false positives, counted nowhere else.</param>
public sealed record RollupRow(string Key, string Label, int Audits, double? AverageScore, int Violations, double Points, int Open, int Overturned);

/// <summary>
/// The roll-ups of stored audits, every figure computed by the database (EF queries, and SQL for the calendar series).
/// The rules every roll-up shares: only ok audits count (a failed audit saw nothing); an overturned violation counts
/// nowhere and gives its points back to its audit's score; a violation belongs to the staff member whose shift covers
/// its audit's time, or to no one.
/// </summary>
public sealed class Rollups(DeskVisionDb db)
{
    public const string NoOneOnRoster = "no one on the roster 排班空缺";
    public const string Unmapped = "(no pillar)";
    public static readonly IReadOnlyList<string> Dimensions = ["window", "staff", "hall", "clause", "pillar", "day", "week", "month"];

    /// <summary>An ok audit as the roll-ups see it: its counted score and who was on duty.</summary>
    public sealed class AuditFact
    {
        public long Id { get; init; }
        public int WindowId { get; init; }
        public string Window { get; init; } = "";
        public DateTimeOffset TakenAt { get; init; }
        /// <summary>The stored score plus the points of its overturned violations.</summary>
        public double Score { get; init; }
        public int? StaffId { get; init; }
    }

    /// <summary>A violation that counts, with what the roll-ups group it by.</summary>
    public sealed class ViolationFact
    {
        public long Id { get; init; }
        public long AuditId { get; init; }
        public int WindowId { get; init; }
        public string Window { get; init; } = "";
        public DateTimeOffset TakenAt { get; init; }
        public string Clause { get; init; } = "";
        public string TitleZh { get; init; } = "";
        public string Category { get; init; } = "";
        public string? Pillar { get; init; }
        public string Zone { get; init; } = "";
        public double Points { get; init; }
        public DateTimeOffset? ClosedAt { get; init; }
        public int? StaffId { get; init; }
    }

    public IQueryable<AuditFact> AuditFacts(int siteId, SitePeriod period) =>
        db.Audits.AsNoTracking()
            .Where(a => a.Status == AuditStatuses.Ok && a.Camera.Window.SiteId == siteId && a.TakenAt >= period.From && a.TakenAt < period.To)
            .Select(a => new AuditFact
            {
                Id = a.Id, WindowId = a.Camera.WindowId, Window = a.Camera.Window.Name, TakenAt = a.TakenAt,
                Score = Math.Min(Scorecard.FullMarks,
                    a.Score + a.Violations.Where(v => v.Appeal != null && v.Appeal.Outcome == AppealOutcomes.Overturned).Sum(v => v.Points)),
                // Who the roster had on duty. Shifts never overlap (the roster refuses it), so the latest shift started by
                // then is the one: asked that way the (WindowId, From) index finds it at once, where an unordered
                // FirstOrDefault let PostgreSQL scan every shift for every audit (a month's roll-up by staff: 1,070 ms
                // against 13 ms on a year of 20 windows' daily shifts, EXPLAIN ANALYZE).
                StaffId = db.DutyShifts.Where(s => s.WindowId == a.Camera.WindowId && s.From <= a.TakenAt && s.To > a.TakenAt)
                    .OrderByDescending(s => s.From).Select(s => (int?)s.StaffId).FirstOrDefault(),
            });

    /// <summary>Violations found in the period that count (not overturned).</summary>
    public IQueryable<ViolationFact> Counted(int siteId, SitePeriod period) => Violations(siteId, period, overturned: false);

    public IQueryable<ViolationFact> Overturned(int siteId, SitePeriod period) => Violations(siteId, period, overturned: true);

    private IQueryable<ViolationFact> Violations(int siteId, SitePeriod period, bool overturned) =>
        db.AuditViolations.AsNoTracking()
            .Where(v => v.Audit.Status == AuditStatuses.Ok && v.Audit.Camera.Window.SiteId == siteId
                        && v.Audit.TakenAt >= period.From && v.Audit.TakenAt < period.To
                        && (v.Appeal != null && v.Appeal.Outcome == AppealOutcomes.Overturned) == overturned)
            .Select(v => new ViolationFact
            {
                Id = v.Id, AuditId = v.AuditId, WindowId = v.Audit.Camera.WindowId, Window = v.Audit.Camera.Window.Name, TakenAt = v.Audit.TakenAt,
                Clause = v.Clause.Key, TitleZh = v.Clause.TitleZh, Category = v.Clause.Category, Pillar = v.Clause.Pillar,
                Zone = v.ZoneName, Points = v.Points, ClosedAt = v.ClosedAt,
                // As in AuditFacts: the latest shift started by then, found through the (WindowId, From) index.
                StaffId = db.DutyShifts.Where(s => s.WindowId == v.Audit.Camera.WindowId && s.From <= v.Audit.TakenAt && s.To > v.Audit.TakenAt)
                    .OrderByDescending(s => s.From).Select(s => (int?)s.StaffId).FirstOrDefault(),
            });

    public async Task<IReadOnlyList<RollupRow>> ByAsync(string dimension, Site site, SitePeriod period, CancellationToken ct) => dimension switch
    {
        "window" => await ByWindowAsync(site, period, ct),
        "staff" => await ByStaffAsync(site, period, ct),
        "hall" => await ByHallAsync(period, ct),
        "clause" => await ByClauseAsync(site, period, ct),
        "pillar" => await ByPillarAsync(site, period, ct),
        "day" or "week" or "month" => await ByCalendarAsync(dimension, site, period, ct),
        _ => throw new ArgumentException($"roll-up '{dimension}' is not one of {string.Join(", ", Dimensions)}"),
    };

    /// <summary>Every window of the site, those without audits too (with no average: not ranked, not zero).</summary>
    public async Task<IReadOnlyList<RollupRow>> ByWindowAsync(Site site, SitePeriod period, CancellationToken ct)
    {
        var audits = await AuditFacts(site.Id, period).GroupBy(a => a.WindowId)
            .Select(g => new { g.Key, N = g.Count(), Average = g.Average(a => a.Score) }).ToDictionaryAsync(g => g.Key, ct);
        var counted = await Counted(site.Id, period).GroupBy(v => v.WindowId)
            .Select(g => new { g.Key, N = g.Count(), Points = g.Sum(v => v.Points), Open = g.Count(v => v.ClosedAt == null) }).ToDictionaryAsync(g => g.Key, ct);
        var overturned = await Overturned(site.Id, period).GroupBy(v => v.WindowId).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.N, ct);
        var windows = await db.Windows.AsNoTracking().Where(w => w.SiteId == site.Id).OrderBy(w => w.Name).ToListAsync(ct);
        return windows.Select(w => new RollupRow(w.Id.ToString(), w.Name,
            audits.GetValueOrDefault(w.Id)?.N ?? 0, audits.GetValueOrDefault(w.Id)?.Average,
            counted.GetValueOrDefault(w.Id)?.N ?? 0, counted.GetValueOrDefault(w.Id)?.Points ?? 0, counted.GetValueOrDefault(w.Id)?.Open ?? 0,
            overturned.GetValueOrDefault(w.Id))).ToList();
    }

    /// <summary>Every staff member of the site, and a line for the audits no shift covers.</summary>
    public async Task<IReadOnlyList<RollupRow>> ByStaffAsync(Site site, SitePeriod period, CancellationToken ct)
    {
        var audits = await AuditFacts(site.Id, period).GroupBy(a => a.StaffId)
            .Select(g => new { g.Key, N = g.Count(), Average = g.Average(a => a.Score) }).ToListAsync(ct);
        var counted = await Counted(site.Id, period).GroupBy(v => v.StaffId)
            .Select(g => new { g.Key, N = g.Count(), Points = g.Sum(v => v.Points), Open = g.Count(v => v.ClosedAt == null) }).ToListAsync(ct);
        var overturned = await Overturned(site.Id, period).GroupBy(v => v.StaffId).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct);
        var staff = await db.Staff.AsNoTracking().Where(s => s.SiteId == site.Id).OrderBy(s => s.Name)
            .Select(s => new { Id = (int?)s.Id, s.Name }).ToListAsync(ct);
        return staff.Append(new { Id = (int?)null, Name = NoOneOnRoster }).Select(s =>
        {
            var a = audits.FirstOrDefault(x => x.Key == s.Id);
            var c = counted.FirstOrDefault(x => x.Key == s.Id);
            return new RollupRow(s.Id?.ToString() ?? "", s.Name, a?.N ?? 0, a?.Average, c?.N ?? 0, c?.Points ?? 0, c?.Open ?? 0,
                overturned.FirstOrDefault(x => x.Key == s.Id)?.N ?? 0);
        }).ToList();
    }

    /// <summary>One line per hall (site), each over the same local dates in its own time zone.</summary>
    public async Task<IReadOnlyList<RollupRow>> ByHallAsync(SitePeriod period, CancellationToken ct)
    {
        var rows = new List<RollupRow>();
        foreach (var site in await db.Sites.AsNoTracking().OrderBy(s => s.Key).ToListAsync(ct))
        {
            var own = SitePeriod.Days(site, period.First, period.End);
            var windows = await ByWindowAsync(site, own, ct);
            int audits = windows.Sum(w => w.Audits);
            double? average = audits == 0 ? null : await AuditFacts(site.Id, own).AverageAsync(a => a.Score, ct);
            rows.Add(new RollupRow(site.Key, site.Name, audits, average, windows.Sum(w => w.Violations), windows.Sum(w => w.Points),
                windows.Sum(w => w.Open), windows.Sum(w => w.Overturned)));
        }
        return rows;
    }

    public async Task<IReadOnlyList<RollupRow>> ByClauseAsync(Site site, SitePeriod period, CancellationToken ct)
    {
        // The title is part of the group, not an aggregate of it (see Greatest); an audit refers to one standard
        // version, so audits counted under two versions' titles of a clause are different audits and add up.
        var counted = (await Counted(site.Id, period).GroupBy(v => new { v.Clause, v.TitleZh })
            .Select(g => new
            {
                g.Key.Clause, g.Key.TitleZh, Audits = g.Select(v => v.AuditId).Distinct().Count(), N = g.Count(),
                Points = g.Sum(v => v.Points), Open = g.Count(v => v.ClosedAt == null),
            }).ToListAsync(ct)).GroupBy(c => c.Clause).ToDictionary(g => g.Key, g => g.ToList());
        var overturned = (await Overturned(site.Id, period).GroupBy(v => new { v.Clause, v.TitleZh })
            .Select(g => new { g.Key.Clause, g.Key.TitleZh, N = g.Count() }).ToListAsync(ct)).GroupBy(o => o.Clause).ToDictionary(g => g.Key, g => g.ToList());
        return counted.Keys.Union(overturned.Keys).Order(StringComparer.Ordinal).Select(key =>
        {
            var c = counted.GetValueOrDefault(key) ?? [];
            var o = overturned.GetValueOrDefault(key) ?? [];
            return new RollupRow(key, Greatest(c.Select(x => x.TitleZh).Concat(o.Select(x => x.TitleZh))), c.Sum(x => x.Audits), null,
                c.Sum(x => x.N), c.Sum(x => x.Points), c.Sum(x => x.Open), o.Sum(x => x.N));
        }).ToList();
    }

    /// <summary>
    /// One title (or category) for a clause found under several standard versions: the greatest, as SQL's max() on the
    /// database's C collation gave it. Titles are grouped on and merged here because max(title) inside the GROUP BY
    /// became a correlated subquery per group (a month's clause table: 1.7 s on a year of 20 windows).
    /// </summary>
    public static string Greatest(IEnumerable<string> names) => names.Max(StringComparer.Ordinal) ?? "";

    /// <summary>All six pillars in their order, empty ones too, and a line for clauses no pillar takes.</summary>
    public async Task<IReadOnlyList<RollupRow>> ByPillarAsync(Site site, SitePeriod period, CancellationToken ct)
    {
        var counted = await Counted(site.Id, period).GroupBy(v => v.Pillar)
            .Select(g => new { g.Key, Audits = g.Select(v => v.AuditId).Distinct().Count(), N = g.Count(), Points = g.Sum(v => v.Points), Open = g.Count(v => v.ClosedAt == null) })
            .ToListAsync(ct);
        var overturned = await Overturned(site.Id, period).GroupBy(v => v.Pillar).Select(g => new { g.Key, N = g.Count() }).ToListAsync(ct);
        var pillars = Standard.SixPillars.Cast<string?>().ToList();
        if (counted.Any(c => c.Key is null) || overturned.Any(o => o.Key is null)) pillars.Add(null);
        return pillars.Select(p =>
        {
            var c = counted.FirstOrDefault(x => x.Key == p);
            return new RollupRow(p ?? "", p ?? Unmapped, c?.Audits ?? 0, null, c?.N ?? 0, c?.Points ?? 0, c?.Open ?? 0,
                overturned.FirstOrDefault(x => x.Key == p)?.N ?? 0);
        }).ToList();
    }

    /// <summary>The calendar series in SQL: date_trunc over the local time of each audit (weeks start on Monday).</summary>
    public async Task<IReadOnlyList<RollupRow>> ByCalendarAsync(string unit, Site site, SitePeriod period, CancellationToken ct)
    {
        if (unit is not ("day" or "week" or "month")) throw new ArgumentException($"calendar unit '{unit}'", nameof(unit));
        string zone = period.Zone.Id;
        var rows = await db.Database.SqlQuery<CalendarRow>($"""
            SELECT date_trunc({unit}, x."TakenAt" AT TIME ZONE {zone})::date AS "Period",
                   count(*)::int AS "Audits", avg(x."Score") AS "AverageScore", sum(x."Violations")::int AS "Violations",
                   coalesce(sum(x."Points"), 0) AS "Points", sum(x."Open")::int AS "Open", sum(x."Overturned")::int AS "Overturned"
            FROM (
                SELECT a."TakenAt",
                       least(100, a."Score" + coalesce(sum(v."Points") FILTER (WHERE p."Outcome" = 'overturned'), 0)) AS "Score",
                       count(v."Id") FILTER (WHERE p."Outcome" IS DISTINCT FROM 'overturned') AS "Violations",
                       coalesce(sum(v."Points") FILTER (WHERE p."Outcome" IS DISTINCT FROM 'overturned'), 0) AS "Points",
                       count(v."Id") FILTER (WHERE p."Outcome" IS DISTINCT FROM 'overturned' AND v."ClosedAt" IS NULL) AS "Open",
                       count(v."Id") FILTER (WHERE p."Outcome" = 'overturned') AS "Overturned"
                FROM "Audits" a
                JOIN "Cameras" c ON c."Id" = a."CameraId"
                JOIN "Windows" w ON w."Id" = c."WindowId"
                LEFT JOIN "AuditViolations" v ON v."AuditId" = a."Id"
                LEFT JOIN "Appeals" p ON p."ViolationId" = v."Id"
                WHERE a."Status" = 'ok' AND w."SiteId" = {site.Id} AND a."TakenAt" >= {period.From} AND a."TakenAt" < {period.To}
                GROUP BY a."Id", a."TakenAt", a."Score"
            ) x
            GROUP BY 1 ORDER BY 1
            """).ToListAsync(ct);
        return rows.Select(r => new RollupRow(r.Period.ToString("yyyy-MM-dd"), Label(unit, r.Period), r.Audits, r.AverageScore, r.Violations, r.Points, r.Open, r.Overturned)).ToList();
    }

    private static string Label(string unit, DateOnly first) => unit switch
    {
        "week" => $"week of {first:yyyy-MM-dd}",
        "month" => first.ToString("yyyy-MM"),
        _ => first.ToString("yyyy-MM-dd ddd", System.Globalization.CultureInfo.InvariantCulture),
    };

    private sealed record CalendarRow(DateOnly Period, int Audits, double? AverageScore, int Violations, double Points, int Open, int Overturned);
}
