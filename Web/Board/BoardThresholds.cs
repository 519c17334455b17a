using System.Collections.Concurrent;
using DeskVision.Scoring;

namespace DeskVision.Web.Board;

/// <summary>
/// When a window's tile on the hall board is green, amber or red: the site file's <c>board:</c> section.
/// Red: a major violation open, any violation open <see cref="RedAfterMinutes"/> or longer, or a latest score below
/// <see cref="RedBelow"/>. Amber: any violation open, or a latest score below <see cref="GreenFrom"/>. Green otherwise.
/// </summary>
public sealed record BoardThresholds(double GreenFrom, double RedBelow, int RedAfterMinutes)
{
    public static readonly BoardThresholds Default = new(95, 85, 30);

    /// <summary>The <c>board:</c> section of a site file (defaults for what it leaves out); mistakes name file, line and field.</summary>
    public static BoardThresholds Read(ConfigNode site)
    {
        var board = site.Section("board");
        if (board is null) return Default;
        board.RejectUnknown("green_from", "red_below", "red_after_minutes");
        double green = board.Number("green_from", 0, 100, Default.GreenFrom);
        double red = board.Number("red_below", 0, 100, Default.RedBelow);
        if (red > green) throw board.Error("red_below", $"is {red}, above green_from ({green}): a score cannot be red and green at once");
        int minutes = (int)board.Number("red_after_minutes", 1, 7 * 24 * 60, Default.RedAfterMinutes);
        return new BoardThresholds(green, red, minutes);
    }
}

/// <summary>The thresholds of each hall loaded from a site file at start-up (by site key); other halls use the defaults.</summary>
public sealed class BoardSettings
{
    private readonly ConcurrentDictionary<string, BoardThresholds> _bySite = new(StringComparer.Ordinal);

    public void Set(string siteKey, BoardThresholds thresholds) => _bySite[siteKey] = thresholds;

    public BoardThresholds For(string siteKey) => _bySite.TryGetValue(siteKey, out var t) ? t : BoardThresholds.Default;
}
