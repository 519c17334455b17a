using DeskVision.Scoring;
using DeskVision.Store;
using Hangfire;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Hosting;

/// <summary>
/// Loads a site folder (<c>site.yaml</c> + <c>cameras/*.yaml</c>) into the database and puts its cameras on the
/// Hangfire schedule. Run at start-up for the demo site; running it again updates, never duplicates.
/// </summary>
/// <param name="boards">Where the hall board's thresholds (<c>board:</c>) go; absent where no board is shown (tools, tests).</param>
public sealed class SiteSeed(DeskVisionDb db, AuditWriter writer, Schedules.AuditScheduler scheduler, ILogger<SiteSeed> log, Board.BoardSettings? boards = null)
{
    public async Task<IReadOnlyList<string>> LoadAsync(string folder, CancellationToken ct)
    {
        var site = ConfigNode.Load(Path.Combine(folder, "site.yaml"));
        site.RejectUnknown("site", "name", "time_zone", "opening_hours", "holidays", "staff", "schedule", "roster", "accounts", "uniform", "board");
        string key = site.String("site");
        var thresholds = Board.BoardThresholds.Read(site); // checked before anything is stored
        var cameras = Directory.EnumerateFiles(Path.Combine(folder, "cameras"), "*.yaml").Order().Select(CameraFile.Load).ToList();
        foreach (var c in cameras.Where(c => c.Site != key))
            throw site.Error("site", $"is '{key}' but camera '{c.CameraKey}' says site '{c.Site}'");

        var keys = new List<string>();
        foreach (var camera in cameras)
        {
            await writer.EnsureCameraAsync(camera, ct);
            keys.Add(camera.CameraKey);
        }
        var row = await db.Sites.FirstAsync(s => s.Key == key, ct);
        row.Name = site.String("name");
        row.TimeZone = site.OptionalString("time_zone") ?? row.TimeZone;
        row.OpeningHours = site.OptionalString("opening_hours") ?? row.OpeningHours;
        try { Schedules.OpeningHours.Parse(row.OpeningHours); }
        catch (FormatException e) { throw site.Error("opening_hours", e.Message); }
        row.Holidays = site.Strings("holidays", required: false)
            .Select(d => DateOnly.TryParse(d, System.Globalization.CultureInfo.InvariantCulture, out var day) ? day : throw site.Error("holidays", $"'{d}' is not a date like 2026-10-01"))
            .ToList();
        var uniform = site.Section("uniform");
        uniform?.RejectUnknown("tie", "tie_weight");
        row.UniformHasTie = uniform?.Bool("tie", false) ?? false;
        row.UniformTieWeight = uniform?.Number("tie_weight", 0, 1, SiteUniform.Default.TieWeight) ?? SiteUniform.Default.TieWeight;
        var schedule = site.Section("schedule");
        foreach (var s in site.Entries("staff", (e, i) => $"staff[{i}]", required: false))
        {
            string name = s.String("name");
            string? windowName = s.OptionalString("window");
            int? windowId = windowName is null ? null
                : await db.Windows.Where(w => w.SiteId == row.Id && w.Name == windowName).Select(w => (int?)w.Id).FirstOrDefaultAsync(ct)
                  ?? throw s.Error("window", $"'{windowName}' is not a window of any camera of site '{key}'");
            var staff = await db.Staff.FirstOrDefaultAsync(x => x.SiteId == row.Id && x.Name == name, ct)
                ?? db.Staff.Add(new Staff { SiteId = row.Id, Name = name }).Entity;
            staff.WindowId = windowId;
        }
        await db.SaveChangesAsync(ct);
        boards?.Set(key, thresholds);
        await LoadRosterAsync(site, row, ct);
        await LoadAccountsAsync(site, row, ct);

        foreach (string key2 in keys)
        {
            if (schedule is not null) await ApplyScheduleAsync(key2, schedule, ct);
            await scheduler.ApplyAsync(key2, ct);
        }
        log.LogInformation("Site {Site}: {Cameras} camera(s) loaded and scheduled", key, keys.Count);
        return keys;
    }

    /// <summary>
    /// The site file's <c>accounts:</c>, created when missing (a changed password is never reset): the demo site's one
    /// admin, one manager of the hall and one staff member.
    /// </summary>
    private async Task LoadAccountsAsync(ConfigNode site, Site row, CancellationToken ct)
    {
        var hasher = new Microsoft.AspNetCore.Identity.PasswordHasher<UserAccount>();
        foreach (var a in site.Entries("accounts", (e, i) => $"accounts[{i}] ({e.OptionalString("user") ?? "no user"})", required: false))
        {
            a.RejectUnknown("user", "name", "role", "password", "staff");
            string role = a.String("role");
            if (!Roles.All.Contains(role)) throw a.Error("role", $"must be one of {string.Join(", ", Roles.All)}, got '{role}'");
            int? staffId = null;
            if (role == Roles.Staff)
            {
                string staffName = a.String("staff");
                staffId = await db.Staff.Where(s => s.SiteId == row.Id && s.Name == staffName).Select(s => (int?)s.Id).FirstOrDefaultAsync(ct)
                    ?? throw a.Error("staff", $"'{staffName}' is not listed under staff:");
            }
            await Accounts.Accounts.EnsureAsync(db, hasher, a.String("user"), a.OptionalString("name") ?? a.String("user"), role, a.String("password"),
                staffId, role == Roles.Manager ? [row.Id] : [], ct);
        }
    }

    /// <summary>Weeks of the seeded roster before today (so past audits have someone on duty) and after it.</summary>
    public const int RosterWeeksBack = 5, RosterWeeksAhead = 4;

    /// <summary>
    /// The site file's <c>roster:</c> is a week plan per staff member and window (<c>hours: mon-fri 09:00-12:00 ...</c>),
    /// laid out as <see cref="DutyShift"/>s from <see cref="RosterWeeksBack"/> weeks back to <see cref="RosterWeeksAhead"/>
    /// ahead. Loading again replaces the shifts it laid before; shifts entered through the API win where they overlap.
    /// </summary>
    private async Task LoadRosterAsync(ConfigNode site, Site row, CancellationToken ct)
    {
        var zone = Schedules.AuditScheduler.SiteZone(row);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone).DateTime);
        var (first, end) = (today.AddDays(-7 * RosterWeeksBack), today.AddDays(7 * RosterWeeksAhead));
        var windows = await db.Windows.Where(w => w.SiteId == row.Id).ToDictionaryAsync(w => w.Name, w => w.Id, ct);
        var staff = await db.Staff.Where(s => s.SiteId == row.Id).ToDictionaryAsync(s => s.Name, s => s.Id, ct);

        var planned = new List<(DutyShift Shift, ConfigNode Entry, string Staff, string Window)>();
        foreach (var r in site.Entries("roster", (e, i) => $"roster[{i}] ({e.OptionalString("staff") ?? "no staff"})", required: false))
        {
            r.RejectUnknown("staff", "window", "hours");
            string name = r.String("staff"), window = r.String("window");
            if (!staff.TryGetValue(name, out int staffId)) throw r.Error("staff", $"'{name}' is not listed under staff:");
            if (!windows.TryGetValue(window, out int windowId)) throw r.Error("window", $"'{window}' is not a window of any camera of site '{row.Key}'");
            Schedules.OpeningHours hours;
            try { hours = Schedules.OpeningHours.Parse(r.String("hours")); }
            catch (FormatException e) { throw r.Error("hours", e.Message); }
            for (var day = first; day < end; day = day.AddDays(1))
                foreach (var (from, to) in hours.On(day, row.Holidays))
                    planned.Add((new DutyShift
                    {
                        StaffId = staffId, WindowId = windowId, Source = DutyShiftSources.SiteFile,
                        From = At(day, from, zone), To = At(day, to, zone),
                    }, r, name, window));
        }
        // Two people at one window, or one person at two windows, is a mistake in the file: say where.
        foreach (var (a, i) in planned.Select((p, i) => (p, i)))
            foreach (var b in planned.Skip(i + 1))
                if ((a.Shift.WindowId == b.Shift.WindowId || a.Shift.StaffId == b.Shift.StaffId) && a.Shift.From < b.Shift.To && b.Shift.From < a.Shift.To)
                    throw b.Entry.Error("hours", $"overlaps {a.Entry.Entry} at {a.Window} on {TimeZoneInfo.ConvertTime(b.Shift.From, zone).ToString("ddd yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)}");

        var (from0, end0) = (At(first, TimeOnly.MinValue, zone), At(end, TimeOnly.MinValue, zone));
        var windowIds = windows.Values.ToList();
        db.DutyShifts.RemoveRange(await db.DutyShifts
            .Where(s => windowIds.Contains(s.WindowId) && s.Source == DutyShiftSources.SiteFile && s.From < end0 && s.To > from0).ToListAsync(ct));
        var entered = await db.DutyShifts.AsNoTracking()
            .Where(s => windowIds.Contains(s.WindowId) && s.Source != DutyShiftSources.SiteFile && s.From < end0 && s.To > from0).ToListAsync(ct);
        int added = 0;
        foreach (var (shift, _, _, _) in planned)
        {
            if (entered.Any(e => (e.WindowId == shift.WindowId || e.StaffId == shift.StaffId) && e.From < shift.To && shift.From < e.To)) continue;
            db.DutyShifts.Add(shift);
            added++;
        }
        await db.SaveChangesAsync(ct);
        log.LogInformation("Site {Site}: roster of {Shifts} shift(s) from {First} to {End}", row.Key, added, first, end);
    }

    private static DateTimeOffset At(DateOnly day, TimeOnly time, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(time);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The site file's <c>schedule:</c> applies to all its cameras; the API edits them one by one later.</summary>
    private async Task ApplyScheduleAsync(string cameraKey, ConfigNode schedule, CancellationToken ct)
    {
        schedule.RejectUnknown("every_minutes", "inspection_bands", "spot_checks_per_day", "burst_size", "burst_interval_seconds");
        var camera = await db.Cameras.FirstAsync(c => c.Key == cameraKey, ct);
        camera.EveryMinutes = schedule.Has("every_minutes") ? (int)schedule.Number("every_minutes", 1, 1440) : null;
        camera.InspectionBands = schedule.OptionalString("inspection_bands") ?? camera.InspectionBands;
        camera.SpotChecksPerDay = (int)schedule.Number("spot_checks_per_day", 0, 100, camera.SpotChecksPerDay);
        camera.BurstSize = (int)schedule.Number("burst_size", 1, 10, camera.BurstSize);
        camera.BurstIntervalSeconds = (int)schedule.Number("burst_interval_seconds", 1, 600, camera.BurstIntervalSeconds);
        await db.SaveChangesAsync(ct);
    }
}
