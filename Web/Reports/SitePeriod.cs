using System.Globalization;
using DeskVision.Store;

namespace DeskVision.Web.Reports;

/// <summary>
/// Days [First, End) of a site's calendar and the instants they span. Reports count days, weeks and months as the hall
/// lives them, in its own time zone, not in UTC: an audit at 07:30 local is on the local day, whatever UTC says.
/// </summary>
public sealed record SitePeriod(DateOnly First, DateOnly End, DateTimeOffset From, DateTimeOffset To, TimeZoneInfo Zone)
{
    public static SitePeriod Days(Site site, DateOnly first, DateOnly end)
    {
        var zone = Schedules.AuditScheduler.SiteZone(site);
        return new SitePeriod(first, end, Start(first, zone), Start(end, zone), zone);
    }

    public static SitePeriod Day(Site site, DateOnly day) => Days(site, day, day.AddDays(1));

    /// <summary>The calendar month of <paramref name="firstOfMonth"/>.</summary>
    public static SitePeriod Month(Site site, DateOnly firstOfMonth)
    {
        var first = new DateOnly(firstOfMonth.Year, firstOfMonth.Month, 1);
        return Days(site, first, first.AddMonths(1));
    }

    /// <summary>"2026-11" → that month; null or empty → the site's current month.</summary>
    public static SitePeriod Month(Site site, string? yearMonth, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(yearMonth)) return Month(site, Today(site, now));
        return DateOnly.TryParseExact(yearMonth + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)
            ? Month(site, first)
            : throw new FormatException($"month '{yearMonth}' is not like 2026-11");
    }

    public SitePeriod PreviousMonth(Site site) => Month(site, First.AddMonths(-1));

    public static DateOnly Today(Site site, DateTimeOffset now) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Schedules.AuditScheduler.SiteZone(site)).DateTime);

    public DateTime Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone).DateTime;

    public string MonthName => First.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>Midnight of the day in the zone, as UTC (Npgsql writes only UTC instants to timestamptz).</summary>
    private static DateTimeOffset Start(DateOnly day, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}
