using ClosedXML.Excel;

namespace DeskVision.Web.Reports;

/// <summary>
/// The monthly report as an Excel workbook (ClosedXML): one sheet per table, a notes sheet saying where the method and
/// the point values come from. Column widths are set by hand: AdjustToContents measures fonts through System.Drawing,
/// which does not work on Linux.
/// </summary>
public static class ReportWorkbook
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static byte[] Write(MonthlyReport r)
    {
        using var book = new XLWorkbook();
        Sheet(book, "窗口排名 Windows", ReportTables.WindowColumns, ReportTables.WindowRows(r));
        Sheet(book, "条款 Clauses", ReportTables.ClauseColumns(r), ReportTables.ClauseRows(r));
        Sheet(book, "整改 Open", ReportTables.OpenColumns, ReportTables.OpenRows(r));
        Sheet(book, "6S Pillars", ReportTables.RollupColumns("pillar"), ReportTables.RollupRows(r.Pillars));
        Sheet(book, "人员 Staff", ReportTables.RollupColumns("staff"), ReportTables.RollupRows(r.Staff));

        var notes = book.Worksheets.Add("说明 Notes");
        string[] lines =
        [
            $"{r.SiteName} · 窗口服务月度汇总 {r.Month}",
            $"Generated {ReportTables.Time(r).Format(r.GeneratedAt)}; times are the hall's local time, {ReportTables.Time(r).ZoneName}; {r.Audits} audits, average {ReportTables.Score(r.AverageScore)} (previous month {r.PreviousMonth}: {ReportTables.Score(r.PreviousAverageScore)})",
            $"本月服务明星 Service star: {string.Join(", ", r.Stars.Select(w => w.Window))}",
            $"Method: {MonthlyReport.Source}. {MonthlyReport.MethodNote}",
            MonthlyReport.PointsNote,
        ];
        for (int i = 0; i < lines.Length; i++) notes.Cell(i + 1, 1).Value = lines[i];
        notes.Cell(1, 1).Style.Font.Bold = true;
        notes.Column(1).Width = 120;

        using var stream = new MemoryStream();
        book.SaveAs(stream);
        return stream.ToArray();
    }

    private static void Sheet(XLWorkbook book, string name, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var sheet = book.Worksheets.Add(name);
        for (int c = 0; c < header.Count; c++) sheet.Cell(1, c + 1).Value = header[c];
        sheet.Row(1).Style.Font.Bold = true;
        int r = 2;
        foreach (var row in rows)
        {
            for (int c = 0; c < row.Count; c++)
            {
                var cell = sheet.Cell(r, c + 1);
                switch (row[c])
                {
                    case null: break;
                    case double d: cell.Value = Math.Round(d, 2); break;
                    case int i: cell.Value = i; break;
                    case long l: cell.Value = l; break;
                    case bool b: cell.Value = b ? "yes" : "no"; break;
                    // The rows hold the hall's local times (ReportTables): Excel has no zones, so the hall's wall clock.
                    case DateTimeOffset t: cell.Value = t.DateTime; cell.Style.DateFormat.Format = "yyyy-mm-dd hh:mm"; break;
                    default: cell.Value = row[c]!.ToString(); break;
                }
            }
            r++;
        }
        sheet.SheetView.FreezeRows(1);
        for (int c = 0; c < header.Count; c++) sheet.Column(c + 1).Width = Math.Clamp(header[c].Length + 4, 10, 40);
    }
}
