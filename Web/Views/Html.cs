using System.Text.Encodings.Web;
using DeskVision.Web.Components;
using DeskVision.Web.Components.Shared;

namespace DeskVision.Web.Views;

/// <summary>
/// What the pages still built by endpoint code use until they become Razor components (docs/ui.md): encoding, the
/// anti-forgery field, and <see cref="Page"/>, which puts their HTML in the one layout.
/// </summary>
public static class Html
{
    // The default encoder escapes every non-ASCII character; Chinese text should stay readable in the page source.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    public static string E(object? value) => Encoder.Encode(value?.ToString() ?? "");

    /// <summary>A page in the layout (navigation, language switch, hall time zone) for whoever is signed in.</summary>
    public static IResult Page(string title, string body, int status = StatusCodes.Status200OK) =>
        Standalone.Render<LegacyBody>(new Dictionary<string, object> { ["Title"] = title, ["Body"] = body }, status);

    /// <summary>
    /// <paramref name="page"/> answered with <paramref name="status"/> (a refused form comes back as 400 with its errors).
    /// A page in the layout carries its own status code, which would otherwise overwrite one set before it runs.
    /// </summary>
    public static IResult WithStatus(IResult page, int status)
    {
        if (page is Microsoft.AspNetCore.Http.HttpResults.RazorComponentResult component)
        {
            component.StatusCode = status;
            return component;
        }
        return new StatusResult(page, status);
    }

    private sealed class StatusResult(IResult inner, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = status;
            return inner.ExecuteAsync(http);
        }
    }

    /// <summary>The hidden anti-forgery field every POST form carries.</summary>
    public static string AntiforgeryField(HttpContext http, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return $"<input type=hidden name='{E(tokens.FormFieldName)}' value='{E(tokens.RequestToken)}'>";
    }

    public static string ScoreClass(double score) => score >= 95 ? "ok" : score >= 85 ? "warn" : "bad";
}
