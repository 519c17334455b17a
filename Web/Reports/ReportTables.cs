using System.Globalization;

namespace DeskVision.Web.Reports;

/// <summary>The monthly report's tables as header and rows, so the CSV and the workbook say exactly the same thing.</summary>
public static class ReportTables
{
    public static readonly IReadOnlyList<string> Tables = ["windows", "clauses", "open", "pillars", "staff"];

    public static readonly IReadOnlyList<string> WindowColumns =
        ["rank", "window", "audits", "average_score", "violations", "points", "open", "overturned", "previous_average", "previous_rank", "trend", "service_star", "lowest"];

    public static IEnumerable<IReadOnlyList<object?>> WindowRows(MonthlyReport r) => r.Windows.Select(w => (IReadOnlyList<object?>)
        [w.Rank, w.Window, w.Audits, w.AverageScore, w.Violations, w.Points, w.Open, w.Overturned, w.PreviousAverageScore, w.PreviousRank, w.Trend, w.IsStar, w.IsLowest]);

    /// <summary>One column per window with any violation of the month, after the totals.</summary>
    public static IReadOnlyList<string> ClauseColumns(MonthlyReport r) =>
        ["clause", "title_zh", "category", "pillar", "count", "points", "previous_count", .. WindowsWithCounts(r)];

    public static IEnumerable<IReadOnlyList<object?>> ClauseRows(MonthlyReport r)
    {
        var windows = WindowsWithCounts(r);
        return r.Clauses.Select(c => (IReadOnlyList<object?>)
            [c.Clause, c.TitleZh, c.Category, c.Pillar, c.Count, c.Points, c.PreviousCount, .. windows.Select(w => (object?)c.ByWindow.GetValueOrDefault(w))]);
    }

    private static List<string> WindowsWithCounts(MonthlyReport r) =>
        r.Clauses.SelectMany(c => c.ByWindow.Keys).Distinct().Order(StringComparer.Ordinal).ToList();

    public static readonly IReadOnlyList<string> OpenColumns =
        ["window", "clause", "title_zh", "zone", "times_seen", "first_seen", "last_seen", "latest_audit", "staff_on_duty"];

    /// <summary>Times are the hall's local time (with its offset), as on the pages.</summary>
    public static IEnumerable<IReadOnlyList<object?>> OpenRows(MonthlyReport r)
    {
        var time = Time(r);
        return r.OpenForRectification.Select(o => (IReadOnlyList<object?>)
            [o.Window, o.Clause, o.TitleZh, o.Zone, o.Times, time.Local(o.FirstSeen), time.Local(o.LastSeen), o.LatestAuditId, o.Staff.Count == 0 ? Rollups.NoOneOnRoster : string.Join(" ", o.Staff)]);
    }

    /// <summary>The report's hall clock.</summary>
    public static Views.HallTime Time(MonthlyReport r) =>
        new(TimeZoneInfo.TryFindSystemTimeZoneById(r.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc, TimeProvider.System);

    public static IReadOnlyList<string> RollupColumns(string what) => [what, "audits", "average_score", "violations", "points", "open", "overturned"];

    public static IEnumerable<IReadOnlyList<object?>> RollupRows(IEnumerable<RollupRow> rows) => rows.Select(x => (IReadOnlyList<object?>)
        [x.Label, x.Audits, x.AverageScore, x.Violations, x.Points, x.Open, x.Overturned]);

    public static (IReadOnlyList<string> Header, IEnumerable<IReadOnlyList<object?>> Rows) Table(MonthlyReport r, string table) => table switch
    {
        "windows" => (WindowColumns, WindowRows(r)),
        "clauses" => (ClauseColumns(r), ClauseRows(r)),
        "open" => (OpenColumns, OpenRows(r)),
        "pillars" => (RollupColumns("pillar"), RollupRows(r.Pillars)),
        "staff" => (RollupColumns("staff"), RollupRows(r.Staff)),
        _ => throw new ArgumentException($"table '{table}' is not one of {string.Join(", ", Tables)}"),
    };

    public static string Score(double? score) => score is { } s ? s.ToString("0.##", CultureInfo.InvariantCulture) : "–";
}
