namespace DeskVision.Web.Schedules;

/// <summary>One planned snapshot time, in local time of the site.</summary>
public sealed record PlannedTime(DateTime Local, string Kind, int BurstIndex);

/// <summary>
/// Plans a camera's day: one inspection at a random time inside each band (一日三巡检; fixed times can be gamed),
/// plus random spot checks (监控抽查), all inside opening hours, each the start of a burst of snapshots.
/// Pure: the caller gives the random source, so a plan can be reproduced in tests.
/// </summary>
public static class AuditPlanner
{
    public static IReadOnlyList<PlannedTime> PlanDay(DateOnly day, OpeningHours hours, IReadOnlyCollection<DateOnly> holidays,
        string inspectionBands, int spotChecks, int burstSize, TimeSpan burstInterval, Random random, DateTime? notBefore = null)
    {
        var open = hours.On(day, holidays);
        if (open.Count == 0) return [];
        var starts = new List<(DateTime, string)>();
        foreach (string band in inspectionBands.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var (from, to) = OpeningHours.ParsePeriod(band, inspectionBands);
            var inBand = open.Select(p => (From: Max(p.From, from), To: Min(p.To, to))).Where(p => p.To > p.From).ToList();
            if (inBand.Count > 0) starts.Add((Pick(day, inBand, random), Kinds.Inspection));
        }
        for (int i = 0; i < spotChecks; i++) starts.Add((Pick(day, open, random), Kinds.SpotCheck));

        var plan = new List<PlannedTime>();
        foreach (var (start, kind) in starts.OrderBy(s => s.Item1))
        {
            if (notBefore is { } nb && start < nb) continue;
            for (int b = 0; b < Math.Max(1, burstSize); b++) plan.Add(new PlannedTime(start + b * burstInterval, kind, b));
        }
        return plan;
    }

    private static class Kinds
    {
        public const string Inspection = Store.PlannedAuditKinds.Inspection;
        public const string SpotCheck = Store.PlannedAuditKinds.SpotCheck;
    }

    /// <summary>A uniformly random second within the periods (weighted by their length), leaving room for the burst.</summary>
    private static DateTime Pick(DateOnly day, IReadOnlyList<(TimeOnly From, TimeOnly To)> periods, Random random)
    {
        double total = periods.Sum(p => (p.To - p.From).TotalSeconds);
        double at = random.NextDouble() * total;
        foreach (var (from, to) in periods)
        {
            double length = (to - from).TotalSeconds;
            if (at < length) return day.ToDateTime(from).AddSeconds(Math.Floor(at));
            at -= length;
        }
        return day.ToDateTime(periods[^1].From);
    }

    private static TimeOnly Max(TimeOnly a, TimeOnly b) => a > b ? a : b;
    private static TimeOnly Min(TimeOnly a, TimeOnly b) => a < b ? a : b;
}
