using DeskVision.Web.Accounts;
using DeskVision.Web.Components;
using DeskVision.Web.Components.Shared;
using DeskVision.Web.Resources;

namespace DeskVision.Web.Views;

/// <summary>
/// The pages, ASP.NET Core's way: Razor components rendered on the server (static SSR, no circuit, no WebAssembly),
/// one layout, one localisation, the app's own status pages. See docs/ui.md for how to add a page.
/// </summary>
public static class Pages
{
    public static IServiceCollection AddPages(this IServiceCollection services)
    {
        // Chinese stays readable in the page source (the default encoder writes every non-ASCII character as &#x...;).
        services.AddWebEncoders(o => o.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.AddRazorComponents();
        services.AddSingleton<Board.BoardSettings>();
        services.AddScoped<Board.HallBoard>();
        return services;
    }

    /// <summary>
    /// Before authentication: the style sheet and scripts (public), the request's language, and the app's own page for
    /// a 4xx/5xx answer without a body (a denied page, an id that is not there, Hangfire's 403), rendered in place (a
    /// re-executed request left the connection waiting after a component page); the API keeps its bare status codes
    /// and problem bodies.
    /// </summary>
    public static void UsePages(this IApplicationBuilder app)
    {
        app.UseStaticFiles();
        app.Use(Text.UseLanguageMiddleware);
        app.UseStatusCodePages(async status =>
        {
            var http = status.HttpContext;
            if (http.Request.Path.StartsWithSegments("/api")) return;
            await StatusPage(http.Response.StatusCode, http.Request.Path + http.Request.QueryString).ExecuteAsync(http);
        });
    }

    /// <summary>The app's own page for a status code, in the layout.</summary>
    public static IResult StatusPage(int code, string? returnUrl = null) =>
        Standalone.Render<StatusMessage>(new Dictionary<string, object> { ["Code"] = code, ["ReturnUrl"] = returnUrl ?? "/" }, code is >= 400 and < 600 ? code : 404);

    /// <summary>The page components: signed-in users unless a page says [AllowAnonymous].</summary>
    public static void MapPages(this WebApplication app)
    {
        app.MapRazorComponents<App>().RequireAuthorization(Policies.SignedIn);
    }
}
