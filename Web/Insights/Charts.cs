using System.Text;
using static DeskVision.Web.Views.Html;

namespace DeskVision.Web.Insights;

/// <summary>Line charts as inline SVG, drawn on the server: no script, no chart library, nothing from a CDN.</summary>
public static class Charts
{
    public sealed record Line(string Label, IReadOnlyList<double?> Values);

    // Tableau 10: distinguishable, and still readable printed in grey; more lines than colours get dashes.
    public static readonly string[] Palette = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
    private static readonly string[] Dashes = ["", "8 4", "2 3", "12 4 2 4"];

    public static string Colour(int i) => Palette[i % Palette.Length];
    public static string Dash(int i) => Dashes[i / Palette.Length % Dashes.Length];

    /// <summary>One line per series over the x labels; missing values are passed over (the line joins the points either side). The y axis spans the values, at most 0..100.</summary>
    public static string Lines(string id, IReadOnlyList<string> x, IReadOnlyList<Line> lines, double yFloor = 0, double yCeiling = 100, string? yLabel = null)
    {
        const double W = 900, H = 300, Left = 44, Right = 30, Top = 24, Bottom = 34;
        var values = lines.SelectMany(l => l.Values).OfType<double>().ToList();
        double min = values.Count == 0 ? yFloor : Math.Max(yFloor, Math.Floor(Math.Min(values.Min(), yCeiling - 10) / 5) * 5);
        double max = yCeiling;
        double X(int i) => Left + (x.Count <= 1 ? (W - Left - Right) / 2 : i * (W - Left - Right) / (x.Count - 1));
        double Y(double v) => Top + (max - v) / Math.Max(1e-9, max - min) * (H - Top - Bottom);
        var s = new StringBuilder($"<svg id='{E(id)}' class=chart viewBox='0 0 {W} {H}' width='100%' style='background:#fff;max-width:{W}px' role='img'>");
        double step = (max - min) > 40 ? 10 : 5;
        for (double v = min; v <= max + 1e-9; v += step)
            s.Append($"<line x1='{Left}' x2='{W - Right}' y1='{PageParts.N(Y(v), "0.#")}' y2='{PageParts.N(Y(v), "0.#")}' stroke='#e3e3e3'/>" +
                     $"<text x='{Left - 6}' y='{PageParts.N(Y(v) + 4, "0.#")}' font-size='11' text-anchor='end' fill='#666'>{PageParts.N(v, "0")}</text>");
        int every = Math.Max(1, (int)Math.Ceiling(x.Count / 13.0));
        for (int i = 0; i < x.Count; i += every)
            s.Append($"<text x='{PageParts.N(X(i), "0.#")}' y='{H - 12}' font-size='11' text-anchor='middle' fill='#666'>{E(x[i])}</text>");
        if (yLabel is not null) s.Append($"<text x='{Left}' y='12' font-size='11' fill='#666'>{E(yLabel)}</text>");
        for (int l = 0; l < lines.Count; l++)
        {
            var line = lines[l];
            string colour = Colour(l), dash = Dash(l);
            s.Append($"<g class=series data-label='{E(line.Label)}'>");
            var run = new List<string>();
            void Flush()
            {
                if (run.Count > 1)
                    s.Append($"<polyline points='{string.Join(' ', run)}' fill='none' stroke='{colour}' stroke-width='2.5'{(dash == "" ? "" : $" stroke-dasharray='{dash}'")}/>");
                run.Clear();
            }
            for (int i = 0; i < line.Values.Count && i < x.Count; i++)
            {
                if (line.Values[i] is not double v) continue;
                run.Add($"{PageParts.N(X(i), "0.#")},{PageParts.N(Y(v), "0.#")}");
            }
            Flush();
            for (int i = 0; i < line.Values.Count && i < x.Count; i++)
                if (line.Values[i] is double v)
                    s.Append($"<circle cx='{PageParts.N(X(i), "0.#")}' cy='{PageParts.N(Y(v), "0.#")}' r='3.5' fill='{colour}'><title>{E(line.Label)} · {E(x[i])}: {PageParts.N(v)}</title></circle>");
            s.Append("</g>");
        }
        s.Append("</svg><div class=legend style='flex-wrap:wrap;gap:.8rem'>");
        for (int l = 0; l < lines.Count; l++)
            s.Append($"<span style='width:auto;height:auto'><svg width='26' height='10'><line x1='0' x2='26' y1='5' y2='5' stroke='{Colour(l)}' stroke-width='3'{(Dash(l) == "" ? "" : $" stroke-dasharray='{Dash(l)}'")}/></svg> {E(lines[l].Label)}</span>");
        return s.Append("</div>").ToString();
    }
}
