using DeskVision.Web.Resources;

namespace DeskVision.Web.Views;

/// <summary>
/// A violation in words for people, in the reader's language: what was found and where ("背包 · 柜台区域",
/// "Backpack · counter"), not the detector's "backpack (0.36) in zone counter"; points without "-0".
/// Labels and zone names the words do not know are shown as they are.
/// </summary>
public static class ViolationWords
{
    /// <summary>"背包 · 柜台区域": the thing found (or "no one" for an absence) and the zone.</summary>
    public static string What(string? label, string zone, Text t) => $"{Thing(label, t)} · {Zone(zone, t)}";

    public static string Thing(string? label, Text t) => Known(label is null ? "Label.nobody" : "Label." + label.Replace(' ', '-'), label ?? "", t);

    public static string Zone(string zone, Text t) => Known("Zone." + zone, zone, t);

    /// <summary>"−3" for a deduction, "0" for none (never "-0"), one decimal only where there is one.</summary>
    public static string Points(double points) =>
        Math.Round(points, 1) is var p && p == 0 ? "0" : "−" + p.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A score or count as people write it: "96", "97.5".</summary>
    public static string Number(double value) => value.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    private static string Known(string key, string fallback, Text t)
    {
        string words = t[key];
        return words == key ? fallback : words;
    }
}
