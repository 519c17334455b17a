using DeskVision.Web.Accounts;
using DeskVision.Web.Components;
using DeskVision.Web.Components.Shared;
using DeskVision.Web.Resources;
using Microsoft.AspNetCore.Diagnostics;

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
    /// a 4xx/5xx answer without a body (a denied page, an id that is not there, Hangfire's 403); the API keeps its
    /// bare status codes and problem bodies.
    /// </summary>
    public static void UsePages(this IApplicationBuilder app)
    {
        app.UseStaticFiles();
        app.Use(Text.UseLanguageMiddleware);
        app.UseWhen(c => !c.Request.Path.StartsWithSegments("/api"), branch => branch.UseStatusCodePagesWithReExecute("/error/{0}"));
        // Routing after the status pages, so a re-executed request is routed again (to /error/{code}).
        app.UseRouting();
    }

    /// <summary>The page components (signed-in users unless a page says [AllowAnonymous]) and the status pages.</summary>
    public static void MapPages(this WebApplication app)
    {
        app.MapRazorComponents<App>().RequireAuthorization(Policies.SignedIn);
        app.Map("/error/{code:int}", (int code, HttpContext http) =>
        {
            string? original = http.Features.Get<IStatusCodeReExecuteFeature>() is { } f ? f.OriginalPath + f.OriginalQueryString : null;
            return Standalone.Render<StatusMessage>(new Dictionary<string, object> { ["Code"] = code, ["ReturnUrl"] = original ?? "/" },
                code is >= 400 and < 600 ? code : 404);
        }).AllowAnonymous().DisableAntiforgery();
    }
}
