using System.Globalization;
using System.Text;

namespace DeskVision.Web.Reports;

/// <summary>
/// RFC 4180 CSV, UTF-8 with a byte-order mark so Excel shows the Chinese text; numbers invariant; times as given, with
/// their offset (reports hand in the hall's local time, <see cref="Views.HallTime.Local"/>: "2026-03-05T10:00:00+08:00").
/// </summary>
public static class Csv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static byte[] Encode(IReadOnlyList<string> header, IEnumerable<IEnumerable<object?>> rows)
    {
        var text = new StringBuilder();
        Line(text, header);
        foreach (var row in rows) Line(text, row);
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static void Line(StringBuilder text, IEnumerable<object?> cells)
    {
        text.AppendJoin(',', cells.Select(Cell));
        text.Append("\r\n");
    }

    public static string Cell(object? value)
    {
        string s = value switch
        {
            null => "",
            DateTimeOffset t => t.ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture),
            double d => d.ToString("0.##", CultureInfo.InvariantCulture),
            float f => f.ToString("0.####", CultureInfo.InvariantCulture),
            bool b => b ? "yes" : "no",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };
        return s.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
    }
}
