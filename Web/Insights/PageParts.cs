using System.Globalization;
using System.Text;
using DeskVision.Store;
using DeskVision.Web.Accounts;
using DeskVision.Web.Resources;
using Microsoft.AspNetCore.Antiforgery;
using static DeskVision.Web.Views.Html;

namespace DeskVision.Web.Insights;

/// <summary>What the manager and staff pages share: the site/month selector, colour scales, form tokens.</summary>
public static class PageParts
{
    public static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>A GET form choosing the site (of those the user may see) and the month; other values are kept as hidden fields.</summary>
    public static string SiteMonthForm(Text t, string action, IReadOnlyList<Site> sites, Site current, string month, params (string Name, string? Value)[] keep)
    {
        var h = new StringBuilder($"<form class=dv-form method=get action='{E(action)}'><label>{E(t["Form.Site"])}<select name=site>");
        foreach (var s in sites)
            h.Append($"<option value='{E(s.Key)}'{(s.Id == current.Id ? " selected" : "")}>{E(s.Name)}</option>");
        h.Append($"</select></label><label>{E(t["Form.Month"])}<input type=month name=month value='{E(month)}'></label>");
        foreach (var (name, value) in keep)
            if (value is not null) h.Append($"<input type=hidden name='{E(name)}' value='{E(value)}'>");
        return h.Append($"<button>{E(t["Form.Show"])}</button></form>").ToString();
    }

    // ColorBrewer YlOrRd (9 classes): more violations, hotter.
    private static readonly string[] Hot = ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c", "#bd0026", "#800026"];
    // ColorBrewer RdYlGn (9 classes): low scores red, full marks green.
    private static readonly string[] Score = ["#d73027", "#f46d43", "#fdae61", "#fee08b", "#ffffbf", "#d9ef8b", "#a6d96a", "#66bd63", "#1a9850"];

    /// <summary>Colour of a count on a 0..max scale (0 is near white).</summary>
    public static string HotColour(double value, double max) =>
        value <= 0 || max <= 0 ? "#f7f7f7" : Hot[Math.Clamp((int)Math.Ceiling(value / max * Hot.Length) - 1, 0, Hot.Length - 1)];

    /// <summary>Colour of an average score: 100 green, 80 and below red.</summary>
    public static string ScoreColour(double score) => Score[Math.Clamp((int)Math.Floor((score - 80) / 20 * (Score.Length - 1)), 0, Score.Length - 1)];

    /// <summary>Black or white text, whichever reads on the background.</summary>
    public static string Ink(string background) => background is "#e31a1c" or "#bd0026" or "#800026" or "#d73027" or "#1a9850" ? "#fff" : "#222";

    public static string HotLegend(Text t, int max) =>
        $"<div class=legend>{E(t["Legend.Fewer"])} {string.Concat(Hot.Select(c => $"<span style='background:{c}'></span>"))} {E(t["Legend.More"])} (max {max})</div>";

    public static string ScoreLegend(Text t) =>
        $"<div class=legend>≤80 {string.Concat(Score.Select(c => $"<span style='background:{c}'></span>"))} 100</div>";

    /// <summary>The hidden anti-forgery field every POST form carries.</summary>
    public static string Token(IAntiforgery antiforgery, HttpContext context)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return $"<input type=hidden name='{E(tokens.FormFieldName)}' value='{E(tokens.RequestToken)}'>";
    }

    /// <summary>Whether a POST carries a valid anti-forgery token (form field or <c>RequestVerificationToken</c> header).</summary>
    public static async Task<bool> ValidTokenAsync(IAntiforgery antiforgery, HttpContext context)
    {
        try { await antiforgery.ValidateRequestAsync(context); return true; }
        catch (AntiforgeryValidationException) { return false; }
    }

    /// <summary>Answer for a POST without a valid token: the page was stale or forged.</summary>
    public static IResult BadToken(Text t) => Views.Html.Page(t["Status.Other.Title"], $"<p class=error>{E(t["Common.BadToken"])}</p>", StatusCodes.Status400BadRequest);

    /// <summary>The page in the one layout (its navigation and language switch are the layout's).</summary>
    public static IResult Page(string title, Text t, HttpRequest request, CurrentUser user, string body) => Views.Html.Page(title, body);

    public static string N(double value, string format = "0.#") => value.ToString(format, Inv);
}
