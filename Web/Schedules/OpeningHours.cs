using System.Globalization;

namespace DeskVision.Web.Schedules;

/// <summary>
/// When a hall is open, per weekday, e.g. <c>mon-fri 09:00-12:00 13:30-17:30; sat 09:00-12:00</c>: the gap between
/// periods is the lunch break. Holidays close a weekday that would be open.
/// </summary>
public sealed class OpeningHours
{
    private static readonly string[] Days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
    private readonly List<(TimeOnly From, TimeOnly To)>[] _periods = Enumerable.Range(0, 7).Select(_ => new List<(TimeOnly, TimeOnly)>()).ToArray();

    public static OpeningHours Parse(string text)
    {
        var hours = new OpeningHours();
        foreach (string part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var words = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length < 2) throw new FormatException($"opening hours '{part}': expected 'mon-fri 09:00-12:00 ...'");
            var days = ParseDays(words[0], part);
            foreach (string period in words.Skip(1))
            {
                var (from, to) = ParsePeriod(period, part);
                foreach (int d in days) hours._periods[d].Add((from, to));
            }
        }
        foreach (var list in hours._periods) list.Sort();
        return hours;
    }

    /// <summary>The open periods of that date (none on a holiday).</summary>
    public IReadOnlyList<(TimeOnly From, TimeOnly To)> On(DateOnly date, IReadOnlyCollection<DateOnly> holidays) =>
        holidays.Contains(date) ? [] : _periods[(int)date.DayOfWeek];

    public bool IsOpen(DateTime local, IReadOnlyCollection<DateOnly> holidays)
    {
        var t = TimeOnly.FromDateTime(local);
        return On(DateOnly.FromDateTime(local), holidays).Any(p => t >= p.From && t < p.To);
    }

    private static int[] ParseDays(string spec, string part)
    {
        var result = new List<int>();
        foreach (string item in spec.Split(','))
        {
            var ends = item.Split('-');
            int a = Array.IndexOf(Days, ends[0].ToLowerInvariant()), b = Array.IndexOf(Days, ends[^1].ToLowerInvariant());
            if (a < 0 || b < 0 || ends.Length > 2) throw new FormatException($"opening hours '{part}': '{item}' is not a day or range of days (mon..sun)");
            for (int d = a; ; d = (d + 1) % 7) { result.Add(d); if (d == b) break; }
        }
        return result.ToArray();
    }

    internal static (TimeOnly From, TimeOnly To) ParsePeriod(string period, string context)
    {
        var ends = period.Split('-');
        if (ends.Length != 2
            || !TimeOnly.TryParseExact(ends[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            || !TimeOnly.TryParseExact(ends[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to)
            || to <= from)
            throw new FormatException($"'{context}': '{period}' is not a period like 09:00-12:00");
        return (from, to);
    }
}
