using DeskVision.Store;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Reports;

/// <summary>
/// 日清日结 (002 四: "每天都要对当天的情况进行检查，发现问题及时纠正，及时处理"): per window, what the day's audits found and
/// what is still open at the day's end, including what earlier days left open.
/// </summary>
public sealed record DailySummary(string Site, string SiteName, DateOnly Day, IReadOnlyList<DailyLine> Windows);

/// <param name="OnDuty">Staff with a shift at the window that day.</param>
/// <param name="Unrostered">Audits of the day that no shift covers: their violations belong to no one.</param>
/// <param name="FoundByClause">Clause key → violations found that day.</param>
/// <param name="FoundStillOpen">Of the day's violations, those not rectified or closed by the day's end.</param>
/// <param name="OpenAtDayEnd">Every violation of the window still open at the day's end, earlier days' included.</param>
public sealed record DailyLine(string Window, IReadOnlyList<string> OnDuty, int Audits, int Unrostered, double? AverageScore, int Found,
    IReadOnlyDictionary<string, int> FoundByClause, int FoundStillOpen, int OpenAtDayEnd);

public sealed class DailySummaries(DeskVisionDb db)
{
    public async Task<DailySummary> BuildAsync(Site site, DateOnly day, CancellationToken ct)
    {
        var period = SitePeriod.Day(site, day);
        var rollups = new Rollups(db);
        var end = period.To;
        var windows = await db.Windows.AsNoTracking().Where(w => w.SiteId == site.Id).OrderBy(w => w.Name).Select(w => new { w.Id, w.Name }).ToListAsync(ct);
        var audits = await rollups.AuditFacts(site.Id, period).GroupBy(a => a.WindowId)
            .Select(g => new { g.Key, N = g.Count(), Unrostered = g.Count(a => a.StaffId == null), Average = g.Average(a => a.Score) })
            .ToDictionaryAsync(g => g.Key, ct);
        var found = await rollups.Counted(site.Id, period).GroupBy(v => new { v.WindowId, v.Clause })
            .Select(g => new { g.Key.WindowId, g.Key.Clause, N = g.Count(), StillOpen = g.Count(v => v.ClosedAt == null || v.ClosedAt >= end) })
            .ToListAsync(ct);
        var sinceEver = period with { First = DateOnly.FromDateTime(DateTime.UnixEpoch), From = DateTimeOffset.UnixEpoch };
        var open = await rollups.Counted(site.Id, sinceEver).Where(v => v.ClosedAt == null || v.ClosedAt >= end)
            .GroupBy(v => v.WindowId).Select(g => new { g.Key, N = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.N, ct);
        var onDuty = await db.DutyShifts.AsNoTracking().Where(s => s.Window.SiteId == site.Id && s.From < period.To && s.To > period.From)
            .Select(s => new { s.WindowId, s.Staff.Name }).Distinct().ToListAsync(ct);

        return new DailySummary(site.Key, site.Name, day, windows.Select(w =>
        {
            var a = audits.GetValueOrDefault(w.Id);
            var f = found.Where(x => x.WindowId == w.Id).ToList();
            return new DailyLine(w.Name, onDuty.Where(s => s.WindowId == w.Id).Select(s => s.Name).Order(StringComparer.Ordinal).ToList(),
                a?.N ?? 0, a?.Unrostered ?? 0, a?.Average, f.Sum(x => x.N),
                f.OrderBy(x => x.Clause, StringComparer.Ordinal).ToDictionary(x => x.Clause, x => x.N), f.Sum(x => x.StillOpen), open.GetValueOrDefault(w.Id));
        }).ToList());
    }
}
