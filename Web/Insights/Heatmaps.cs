using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Web.Accounts;
using DeskVision.Web.Reports;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Insights;

/// <summary>
/// The figures behind the heatmaps, read only through the <see cref="Visibility"/> filters: ok audits only, overturned
/// violations left out and their points given back (as in every report). Grouping happens in the database by UTC hour;
/// the hours are then placed on the hall's own clock, so a day or an hour is the one the hall lives.
/// </summary>
public sealed class Heatmaps(DeskVisionDb db)
{
    public sealed record Axis(string Key, string Label, string? Detail = null);

    public sealed record Cell(int Audits, int Violations, double ScoreSum)
    {
        public double? AverageScore => Audits == 0 ? null : ScoreSum / Audits;
        public Cell Add(Cell other) => new(Audits + other.Audits, Violations + other.Violations, ScoreSum + other.ScoreSum);
    }

    public sealed record Grid(IReadOnlyList<Axis> Rows, IReadOnlyList<Axis> Columns, IReadOnlyDictionary<(string Row, string Column), Cell> Cells)
    {
        public Cell At(string row, string column) => Cells.GetValueOrDefault((row, column)) ?? new Cell(0, 0, 0);
        public int MaxViolations => Cells.Count == 0 ? 0 : Cells.Values.Max(c => c.Violations);
    }

    /// <summary>One audit behind a cell.</summary>
    public sealed record AuditLine(long Id, DateTimeOffset TakenAt, int WindowId, string Window, double Score, int Violations);

    public IQueryable<Audit> OkAudits(CurrentUser user, int siteId, SitePeriod period) =>
        db.Audits.AsNoTracking().VisibleTo(user, db)
            .Where(a => a.Status == AuditStatuses.Ok && a.Camera.Window.SiteId == siteId && a.TakenAt >= period.From && a.TakenAt < period.To);

    /// <summary>Violations that count: of ok audits, not overturned on appeal or review.</summary>
    public IQueryable<AuditViolation> Counted(CurrentUser user, int siteId, SitePeriod period) =>
        db.AuditViolations.AsNoTracking().VisibleTo(user, db)
            .Where(v => v.Audit.Status == AuditStatuses.Ok && v.Audit.Camera.Window.SiteId == siteId && v.Audit.TakenAt >= period.From && v.Audit.TakenAt < period.To
                        && (v.Appeal == null || v.Appeal.Outcome != AppealOutcomes.Overturned));

    public async Task<IReadOnlyList<Axis>> WindowsAsync(CurrentUser user, int siteId, CancellationToken ct) =>
        (await db.Windows.AsNoTracking().VisibleTo(user, db).Where(w => w.SiteId == siteId).OrderBy(w => w.Name).Select(w => new { w.Id, w.Name }).ToListAsync(ct))
        .Select(w => new Axis(w.Id.ToString(PageParts.Inv), w.Name)).ToList();

    /// <summary>Windows × hour of the day (0..23, local) or × day of the month: audits, counted violations and counted scores.</summary>
    public async Task<Grid> WindowsByTimeAsync(CurrentUser user, int siteId, SitePeriod period, bool byDay, CancellationToken ct)
    {
        var windows = await WindowsAsync(user, siteId, ct);
        var buckets = await HoursAsync(OkAudits(user, siteId, period), ct);
        var cells = new Dictionary<(string, string), Cell>();
        foreach (var b in buckets)
        {
            var local = period.Local(b.Hour);
            var key = (b.WindowId.ToString(PageParts.Inv), (byDay ? local.Day : local.Hour).ToString(PageParts.Inv));
            var cell = new Cell(b.Audits, b.Violations, b.ScoreSum);
            cells[key] = cells.TryGetValue(key, out var had) ? had.Add(cell) : cell;
        }
        IReadOnlyList<Axis> columns = byDay
            ? Enumerable.Range(0, period.End.DayNumber - period.First.DayNumber).Select(i => period.First.AddDays(i))
                .Select(d => new Axis(d.Day.ToString(PageParts.Inv), d.Day.ToString(PageParts.Inv), d.ToString("yyyy-MM-dd ddd", PageParts.Inv))).ToList()
            : HourColumns(cells.Keys.Select(k => int.Parse(k.Item2, PageParts.Inv)));
        return new Grid(windows, columns, cells);
    }

    /// <summary>Ok audits per window and UTC hour: how many, the sum of their counted scores, their counted violations.</summary>
    public sealed record HourBucket(int WindowId, DateTimeOffset Hour, int Audits, double ScoreSum, int Violations);

    /// <summary>
    /// Groups audits by window and UTC hour in the database (a few rows per window and day, whatever the number of
    /// audits); callers put the hours on the hall's clock, which is exact for every zone with a whole-hour offset.
    /// </summary>
    public static async Task<IReadOnlyList<HourBucket>> HoursAsync(IQueryable<Audit> audits, CancellationToken ct)
    {
        var rows = await audits
            .Select(a => new
            {
                a.Camera.WindowId, a.TakenAt,
                Score = Math.Min(Scorecard.FullMarks, a.Score + a.Violations.Where(v => v.Appeal != null && v.Appeal.Outcome == AppealOutcomes.Overturned).Sum(v => v.Points)),
                Violations = a.Violations.Count(v => v.Appeal == null || v.Appeal.Outcome != AppealOutcomes.Overturned),
            })
            .GroupBy(a => new { a.WindowId, a.TakenAt.Year, a.TakenAt.Month, a.TakenAt.Day, a.TakenAt.Hour })
            .Select(g => new { g.Key.WindowId, g.Key.Year, g.Key.Month, g.Key.Day, g.Key.Hour, N = g.Count(), Score = g.Sum(x => x.Score), Violations = g.Sum(x => x.Violations) })
            .ToListAsync(ct);
        return rows.Select(r => new HourBucket(r.WindowId, new DateTimeOffset(r.Year, r.Month, r.Day, r.Hour, 0, 0, TimeSpan.Zero), r.N, r.Score, r.Violations)).ToList();
    }

    /// <summary>The hall's working hours at least (08..18), widened to every hour that has audits.</summary>
    private static List<Axis> HourColumns(IEnumerable<int> hours)
    {
        var seen = hours.ToList();
        int first = Math.Min(8, seen.DefaultIfEmpty(8).Min()), last = Math.Max(18, seen.DefaultIfEmpty(18).Max());
        return Enumerable.Range(first, last - first + 1).Select(h => new Axis(h.ToString(PageParts.Inv), $"{h:00}", $"{h:00}:00–{h:00}:59")).ToList();
    }

    /// <summary>Clauses (rows, most broken first) × windows: counted violations, and the audits that found them.</summary>
    public async Task<Grid> ClausesByWindowAsync(CurrentUser user, int siteId, SitePeriod period, CancellationToken ct)
    {
        var windows = await WindowsAsync(user, siteId, ct);
        var counts = await Counted(user, siteId, period)
            .GroupBy(v => new { v.Clause.Key, v.Audit.Camera.WindowId })
            .Select(g => new { g.Key.Key, g.Key.WindowId, N = g.Count(), Audits = g.Select(v => v.AuditId).Distinct().Count() })
            .ToListAsync(ct);
        var titles = await TitlesAsync(counts.Select(c => c.Key).Distinct().ToList(), ct);
        var rows = counts.GroupBy(c => c.Key).OrderByDescending(g => g.Sum(c => c.N)).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new Axis(g.Key, titles.GetValueOrDefault(g.Key, g.Key), g.Key)).ToList();
        var cells = counts.ToDictionary(c => (c.Key, c.WindowId.ToString(PageParts.Inv)), c => new Cell(c.Audits, c.N, 0));
        return new Grid(rows, windows, cells);
    }

    /// <summary>
    /// The Chinese title of each clause key, from its newest standard version. (Asked apart from the counts: a title
    /// taken inside a GROUP BY becomes a correlated subquery per group, seconds over a year of violations.)
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> TitlesAsync(IReadOnlyList<string> keys, CancellationToken ct) =>
        keys.Count == 0 ? new Dictionary<string, string>()
        : (await db.Clauses.AsNoTracking().Where(c => keys.Contains(c.Key)).Select(c => new { c.Key, c.TitleZh, c.StandardVersionId }).ToListAsync(ct))
            .GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.MaxBy(c => c.StandardVersionId)!.TitleZh);

    /// <summary>
    /// The audits behind a cell: of one window (or all), in one local hour of the day or on one day of the month, or
    /// having found a clause. Newest first, at most <paramref name="limit"/>.
    /// </summary>
    public async Task<IReadOnlyList<AuditLine>> AuditsAsync(CurrentUser user, int siteId, SitePeriod period, int? windowId, int? hour, int? day, string? clause,
        int limit, CancellationToken ct)
    {
        var audits = OkAudits(user, siteId, period);
        if (windowId is int w) audits = audits.Where(a => a.Camera.WindowId == w);
        if (day is int d && d >= 1 && d <= period.End.DayNumber - period.First.DayNumber)
        {
            var one = SitePeriod.Days(new Site { Key = "", Name = "", TimeZone = period.Zone.Id }, period.First.AddDays(d - 1), period.First.AddDays(d));
            audits = audits.Where(a => a.TakenAt >= one.From && a.TakenAt < one.To);
        }
        if (hour is int h)
        {
            // The UTC hours that can be this local hour in the period (two when the offset changes, e.g. daylight saving).
            var offsets = new[] { period.From, period.To.AddTicks(-1) }.Select(i => period.Zone.GetUtcOffset(i)).Distinct();
            var utcHours = offsets.Select(o => (int)(((h - o.TotalHours) % 24 + 24) % 24)).ToList();
            audits = audits.Where(a => utcHours.Contains(a.TakenAt.Hour));
        }
        if (clause is not null)
            audits = audits.Where(a => a.Violations.Any(v => v.Clause.Key == clause && (v.Appeal == null || v.Appeal.Outcome != AppealOutcomes.Overturned)));
        var lines = await audits.OrderByDescending(a => a.TakenAt)
            .Select(a => new AuditLine(a.Id, a.TakenAt, a.Camera.WindowId, a.Camera.Window.Name,
                Math.Min(Scorecard.FullMarks, a.Score + a.Violations.Where(v => v.Appeal != null && v.Appeal.Outcome == AppealOutcomes.Overturned).Sum(v => v.Points)),
                a.Violations.Count(v => v.Appeal == null || v.Appeal.Outcome != AppealOutcomes.Overturned)))
            .Take(hour is null ? limit : limit * 4).ToListAsync(ct);
        return (hour is int hh ? lines.Where(l => period.Local(l.TakenAt).Hour == hh) : lines).Take(limit).ToList();
    }
}
