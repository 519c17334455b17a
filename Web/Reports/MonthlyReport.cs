using DeskVision.Store;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Reports;

/// <summary>
/// The monthly window summary of seed 003 四(四)1 ("每个月对各窗口服务评价结果进行汇总，对评价满意较多的，作为'本月服务明星'，
/// 对评价不满意的窗口，认真分析存在问题，及时进行整改"), with the camera audits' counted scores standing in for the
/// satisfaction ratings 003 sums: windows ranked by average score, the best as 本月服务明星, the lowest with their
/// open violations for 整改, counts per clause and pillar, and the change from the previous month.
/// </summary>
public sealed record MonthlyReport(
    string Site,
    string SiteName,
    // The hall's IANA time zone: months, days and the times shown are its own.
    string TimeZone,
    string Month,
    string PreviousMonth,
    DateTimeOffset GeneratedAt,
    int Audits,
    double? AverageScore,
    double? PreviousAverageScore,
    int Violations,
    int Overturned,
    IReadOnlyList<WindowRank> Windows,
    IReadOnlyList<ClauseCount> Clauses,
    IReadOnlyList<RollupRow> Pillars,
    IReadOnlyList<RollupRow> Staff,
    IReadOnlyList<OpenIssue> OpenForRectification)
{
    public const string Source = "宝市房金发〔2020〕107号 四(四)1";

    public const string PointsNote =
        "Deduction points and the pillar of each category are DeskVision's local defaults in this site's standard file; " +
        "the seed documents set no point values. 扣分分值与6S归类为本系统本地默认设置，非服务规范原文规定。";

    public const string MethodNote =
        "003 ranks windows by customer satisfaction ratings; this report ranks them by the average counted score of the " +
        "month's camera audits (100 minus the deductions that were not overturned on appeal).";

    public IEnumerable<WindowRank> Stars => Windows.Where(w => w.IsStar);
    public IEnumerable<WindowRank> Lowest => Windows.Where(w => w.IsLowest);
}

/// <param name="Rank">1 is best; windows with equal averages (to 0.01) share a rank; null for a window without audits.</param>
/// <param name="Trend">This month's average minus the previous month's; null when either has no audits.</param>
public sealed record WindowRank(int? Rank, string Window, int Audits, double? AverageScore, int Violations, double Points, int Open,
    int Overturned, double? PreviousAverageScore, int? PreviousRank, bool IsStar, bool IsLowest)
{
    public double? Trend => AverageScore - PreviousAverageScore;
}

/// <param name="ByWindow">Counts per window name, for the windows that had any.</param>
public sealed record ClauseCount(string Clause, string TitleZh, string Category, string? Pillar, int Count, double Points, int PreviousCount,
    IReadOnlyDictionary<string, int> ByWindow);

/// <summary>One condition still open at a window: a clause in a zone, seen once or more, not yet rectified.</summary>
public sealed record OpenIssue(string Window, string Clause, string TitleZh, string Zone, int Times, DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen, long LatestAuditId, IReadOnlyList<string> Staff);

public sealed class MonthlyReports(DeskVisionDb db, TimeProvider clock)
{
    public async Task<MonthlyReport> BuildAsync(Site site, SitePeriod month, CancellationToken ct)
    {
        var rollups = new Rollups(db);
        var previous = month.PreviousMonth(site);
        var now = clock.GetUtcNow();

        var windows = await rollups.ByWindowAsync(site, month, ct);
        var before = await rollups.ByWindowAsync(site, previous, ct);
        var ranked = Rank(windows);
        var rankedBefore = Rank(before);
        int? best = ranked.Where(r => r.Rank is not null).Min(r => r.Rank);
        int? worst = ranked.Where(r => r.Rank is not null).Max(r => r.Rank);
        var ranks = ranked.Select(r =>
        {
            var was = rankedBefore.First(b => b.Row.Key == r.Row.Key);
            return new WindowRank(r.Rank, r.Row.Label, r.Row.Audits, r.Row.AverageScore, r.Row.Violations, r.Row.Points, r.Row.Open,
                r.Row.Overturned, was.Row.AverageScore, was.Rank, IsStar: r.Rank is not null && r.Rank == best,
                // The lowest only when someone did better: a hall where every window ties has no window to single out.
                IsLowest: r.Rank is not null && r.Rank == worst && worst != best);
        }).OrderBy(r => r.Rank ?? int.MaxValue).ThenBy(r => r.Window, StringComparer.Ordinal).ToList();

        var facts = rollups.AuditFacts(site.Id, month);
        int audits = await facts.CountAsync(ct);
        double? average = audits == 0 ? null : await facts.AverageAsync(a => a.Score, ct);
        var previousFacts = rollups.AuditFacts(site.Id, previous);
        double? previousAverage = await previousFacts.AnyAsync(ct) ? await previousFacts.AverageAsync(a => a.Score, ct) : null;

        var lowest = ranks.Where(r => r.IsLowest).Select(r => r.Window).ToList();
        return new MonthlyReport(site.Key, site.Name, site.TimeZone, month.MonthName, previous.MonthName, now, audits, average, previousAverage,
            windows.Sum(w => w.Violations), windows.Sum(w => w.Overturned), ranks,
            await ClausesAsync(rollups, site, month, previous, ct),
            await rollups.ByPillarAsync(site, month, ct),
            await rollups.ByStaffAsync(site, month, ct),
            await OpenIssuesAsync(site, month, lowest, ct));
    }

    /// <summary>Competition ranking (1, 1, 3) by average rounded to 0.01, so tiny float noise cannot split a tie.</summary>
    private static List<(RollupRow Row, int? Rank)> Rank(IReadOnlyList<RollupRow> windows)
    {
        var scored = windows.Where(w => w.AverageScore is not null).OrderByDescending(w => Math.Round(w.AverageScore!.Value, 2)).ToList();
        return windows.Select(w => (w, w.AverageScore is null ? (int?)null
            : 1 + scored.Count(o => Math.Round(o.AverageScore!.Value, 2) > Math.Round(w.AverageScore.Value, 2)))).ToList();
    }

    private async Task<IReadOnlyList<ClauseCount>> ClausesAsync(Rollups rollups, Site site, SitePeriod month, SitePeriod previous, CancellationToken ct)
    {
        // Title, category and pillar are grouped on, not aggregated (see Rollups.Greatest); versions are merged below.
        var rows = await rollups.Counted(site.Id, month)
            .GroupBy(v => new { v.Clause, v.Window, v.TitleZh, v.Category, v.Pillar })
            .Select(g => new { g.Key.Clause, g.Key.Window, g.Key.TitleZh, g.Key.Category, g.Key.Pillar, N = g.Count(), Points = g.Sum(v => v.Points) })
            .ToListAsync(ct);
        var before = await rollups.Counted(site.Id, previous).GroupBy(v => new { v.Clause, v.TitleZh, v.Category, v.Pillar })
            .Select(g => new { g.Key.Clause, g.Key.TitleZh, g.Key.Category, g.Key.Pillar, N = g.Count() })
            .ToListAsync(ct);
        var keys = rows.Select(r => r.Clause).Union(before.Select(b => b.Clause)).Distinct();
        return keys.Select(key =>
        {
            var mine = rows.Where(r => r.Clause == key).ToList();
            var was = before.Where(b => b.Clause == key).ToList();
            // Described as this month's violations describe it, or else the previous month's.
            var described = mine.Count > 0 ? mine.Select(r => (r.TitleZh, r.Category, r.Pillar)) : was.Select(b => (b.TitleZh, b.Category, b.Pillar));
            return new ClauseCount(key, Rollups.Greatest(described.Select(d => d.TitleZh)), Rollups.Greatest(described.Select(d => d.Category)),
                described.Select(d => d.Pillar).Where(p => p is not null).Max(StringComparer.Ordinal), mine.Sum(r => r.N), mine.Sum(r => r.Points), was.Sum(b => b.N),
                mine.GroupBy(r => r.Window).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(r => r.N)));
        }).OrderByDescending(c => c.Count).ThenBy(c => c.Clause, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The lowest windows' violations found up to the month's end that are still open now, one line per clause and zone
    /// (the same condition seen in several audits is one thing to rectify).
    /// </summary>
    private async Task<IReadOnlyList<OpenIssue>> OpenIssuesAsync(Site site, SitePeriod month, IReadOnlyList<string> windows, CancellationToken ct)
    {
        if (windows.Count == 0) return [];
        var upToMonthEnd = month with { First = DateOnly.FromDateTime(DateTime.UnixEpoch), From = DateTimeOffset.UnixEpoch };
        var open = await new Rollups(db).Counted(site.Id, upToMonthEnd)
            .Where(v => v.ClosedAt == null && windows.Contains(v.Window))
            .GroupBy(v => new { v.Window, v.Clause, v.Zone, v.TitleZh })
            .Select(g => new
            {
                g.Key.Window, g.Key.Clause, g.Key.Zone, g.Key.TitleZh, Times = g.Count(),
                First = g.Min(v => v.TakenAt), Last = g.Max(v => v.TakenAt), Latest = g.Max(v => v.AuditId),
            })
            .ToListAsync(ct);
        // One line per window, clause and zone, whichever standard versions' titles it was found under (see Rollups.Greatest).
        var merged = open.GroupBy(o => (o.Window, o.Clause, o.Zone)).Select(g => new
        {
            g.Key.Window, g.Key.Clause, g.Key.Zone, Title = Rollups.Greatest(g.Select(o => o.TitleZh)), Times = g.Sum(o => o.Times),
            First = g.Min(o => o.First), Last = g.Max(o => o.Last), Latest = g.Max(o => o.Latest),
        });
        var staff = await new Rollups(db).Counted(site.Id, upToMonthEnd)
            .Where(v => v.ClosedAt == null && windows.Contains(v.Window) && v.StaffId != null)
            .Select(v => new { v.Window, v.Clause, v.Zone, v.StaffId }).Distinct()
            .Join(db.Staff, v => v.StaffId, s => s.Id, (v, s) => new { v.Window, v.Clause, v.Zone, s.Name })
            .ToListAsync(ct);
        return merged.Select(o => new OpenIssue(o.Window, o.Clause, o.Title, o.Zone, o.Times, o.First, o.Last, o.Latest,
                staff.Where(s => s.Window == o.Window && s.Clause == o.Clause && s.Zone == o.Zone).Select(s => s.Name).Order(StringComparer.Ordinal).ToList()))
            .OrderBy(o => o.Window, StringComparer.Ordinal).ThenBy(o => o.FirstSeen).ToList();
    }
}
