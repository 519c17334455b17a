using System.Globalization;

namespace DeskVision.Tools;

/// <summary>Minimum, median and 95th percentile of a benchmark's timings, in milliseconds.</summary>
public readonly record struct Stats(double Min, double Median, double P95, int Count)
{
    public static Stats Of(IReadOnlyCollection<double> ms)
    {
        if (ms.Count == 0) throw new ArgumentException("no timings to summarise", nameof(ms));
        var sorted = ms.Order().ToArray();
        // Nearest rank: the smallest value with at least 95% of the runs at or below it.
        double Rank(double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return new Stats(sorted[0], median, Rank(0.95), sorted.Length);
    }

    public override string ToString() =>
        $"min {F(Min),6}  median {F(Median),6}  p95 {F(P95),6}  ({Count} runs)";

    private static string F(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
}
