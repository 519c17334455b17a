using DeskVision.Store;
using DeskVision.Web.Views;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using static DeskVision.Web.Views.Html;

namespace DeskVision.Web.Accounts;

/// <summary>Sign in, sign out, and the page for a signed-in user who may not see what they asked for.</summary>
public static class SignInPages
{
    public static void MapSignInPages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", (HttpContext http, IAntiforgery antiforgery, string? returnUrl) => Form(http, antiforgery, returnUrl, null));
        app.MapPost("/login", async ([FromForm] string? userName, [FromForm] string? password, [FromForm] string? returnUrl, HttpContext http, IAntiforgery antiforgery, DeskVisionDb db,
            IPasswordHasher<UserAccount> hasher, ILoggerFactory logs, CancellationToken ct) =>
        {
            var (user, problem) = await Accounts.SignInAsync(db, hasher, userName ?? "", password ?? "", ct);
            var log = logs.CreateLogger("DeskVision.SignIn");
            if (user is null)
            {
                log.LogWarning("Sign-in refused for {UserName}: {Problem}", userName, problem);
                return Form(http, antiforgery, returnUrl, problem, StatusCodes.Status401Unauthorized);
            }
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Accounts.Principal(user));
            log.LogInformation("Signed in: {UserName} ({Role})", user.UserName, user.Role);
            // Only local paths: an open redirect would let a phishing link bounce through the sign-in.
            // Staff land on their desk: the hall board ("/", where an expired session sends them back to) is not theirs.
            string target = returnUrl is { } r && r.StartsWith('/') && !r.StartsWith("//", StringComparison.Ordinal) && !(r == "/" && user.Role == Roles.Staff) ? r
                : user.Role == Roles.Staff ? "/me" : "/";
            return Results.Redirect(target);
        }).RequireRateLimiting(Accounts.LoginLimiter);
        app.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        });
        app.MapGet("/denied", () => Views.Pages.StatusPage(StatusCodes.Status403Forbidden));
    }

    private static IResult Form(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? problem, int status = 200)
    {
        var t = Resources.Text.From(http);
        string body = $"""
            <section class="card signin">
            <h1>{E(t["Login.Title"])}</h1>
            {(problem is null ? "" : $"<p class=error>{E(problem)}</p>")}
            <form method=post action='/login' class=stack>
            {AntiforgeryField(http, antiforgery)}
            <input type=hidden name=returnUrl value='{E(returnUrl)}'>
            <label>{E(t["Login.UserName"])}<input name=userName autocomplete=username required autofocus></label>
            <label>{E(t["Login.Password"])}<input name=password type=password autocomplete=current-password required></label>
            <button class="btn btn-primary">{E(t["Login.Submit"])}</button>
            </form>
            </section>
            """;
        return Page(t["Login.Title"], body, status);
    }
}
