using System.Globalization;
using DeskVision.Store;
using DeskVision.Web.Accounts;
using DeskVision.Web.Resources;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Views;

/// <summary>
/// The hall's local time: the one way pages, CSV, the Excel workbook and notifications turn a stored UTC instant into
/// what a person in the hall reads ("2026-12-03 16:51"), and a span into "1 h 05 min" (never "00:00:50.0169390").
/// The zone is the site's (<see cref="Site.TimeZone"/>); "now" comes from the <see cref="TimeProvider"/>.
/// </summary>
public sealed class HallTime(TimeZoneInfo zone, TimeProvider clock)
{
    public const string DateTimeFormat = "yyyy-MM-dd HH:mm", SecondsFormat = "yyyy-MM-dd HH:mm:ss";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public TimeZoneInfo Zone { get; } = zone;
    public TimeProvider Clock { get; } = clock;

    public static HallTime Of(Site site, TimeProvider clock) => new(Schedules.AuditScheduler.SiteZone(site), clock);

    public DateTimeOffset Now => Clock.GetUtcNow();

    /// <summary>The instant on the hall's clock (the offset is the hall's).</summary>
    public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    /// <summary>"2026-12-03 16:51" in the hall's time.</summary>
    public string Format(DateTimeOffset at) => Local(at).ToString(DateTimeFormat, Inv);

    /// <summary>"2026-12-03 16:51:07": where seconds matter (one audit of a burst).</summary>
    public string FormatSeconds(DateTimeOffset at) => Local(at).ToString(SecondsFormat, Inv);

    /// <summary>"16:51" today, "12-02 16:51" another day of this year, the full date otherwise: short, for tables and tiles.</summary>
    public string Short(DateTimeOffset at)
    {
        var local = Local(at);
        var today = Local(Now);
        return local.Date == today.Date ? local.ToString("HH:mm", Inv)
            : local.Year == today.Year ? local.ToString("MM-dd HH:mm", Inv) : local.ToString(DateTimeFormat, Inv);
    }

    /// <summary>The instant as an Excel cell value: the hall's wall-clock time (Excel has no zones).</summary>
    public DateTime ForSpreadsheet(DateTimeOffset at) => DateTime.SpecifyKind(Local(at).DateTime, DateTimeKind.Unspecified);

    /// <summary>The zone named once in the layout and in exports: "Asia/Shanghai (UTC+08:00)".</summary>
    public string ZoneName
    {
        get
        {
            var offset = Zone.GetUtcOffset(Now);
            return $"{Zone.Id} (UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset:hh\\:mm})";
        }
    }

    /// <summary>How long since <paramref name="at"/>, in words of the reader's language.</summary>
    public string Since(DateTimeOffset at, Text t) => Span(Now - at, t);

    /// <summary>A duration for people: "45 s", "12 min", "3 h 05 min", "2 d 4 h" (Chinese: "45秒", "12分钟", "3小时05分", "2天4小时").</summary>
    public static string Span(TimeSpan span, Text t)
    {
        if (span < TimeSpan.Zero) span = TimeSpan.Zero;
        if (span.TotalMinutes < 1) return t.F("Time.Seconds", (int)span.TotalSeconds);
        if (span.TotalHours < 1) return t.F("Time.Minutes", (int)span.TotalMinutes);
        if (span.TotalDays < 1) return t.F("Time.HoursMinutes", (int)span.TotalHours, span.Minutes);
        return t.F("Time.DaysHours", (int)span.TotalDays, span.Hours);
    }

    private static readonly object ItemKey = new();

    /// <summary>
    /// The hall time of whoever is asking: the zone of the first hall they may see (a manager's hall, an admin's first,
    /// a staff member's own), UTC when there is none. Worked out once per request; the layout and the page share the
    /// one task, so the request's database context is never used by both at once.
    /// </summary>
    public static Task<HallTime> ForAsync(HttpContext http)
    {
        if (http.Items[ItemKey] is Task<HallTime> known) return known;
        var task = LoadAsync(http);
        http.Items[ItemKey] = task;
        return task;
    }

    private static async Task<HallTime> LoadAsync(HttpContext http)
    {
        var clock = http.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        var db = http.RequestServices.GetRequiredService<DeskVisionDb>();
        var user = CurrentUser.From(http.User);
        var sites = db.Sites.AsNoTracking();
        string? zone = user is null ? null
            : user.IsStaff ? await sites.Where(s => db.Staff.Any(x => x.Id == user.StaffId && x.SiteId == s.Id)).Select(s => s.TimeZone).FirstOrDefaultAsync(http.RequestAborted)
            : await sites.VisibleTo(user).OrderBy(s => s.Id).Select(s => s.TimeZone).FirstOrDefaultAsync(http.RequestAborted);
        return new HallTime(zone is not null && TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var z) ? z : TimeZoneInfo.Utc, clock);
    }
}
