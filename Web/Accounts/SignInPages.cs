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
            string target = returnUrl is { } r && r.StartsWith('/') && !r.StartsWith("//", StringComparison.Ordinal) ? r : user.StaffId is int own ? $"/staff/{own}" : "/";
            return Results.Redirect(target);
        }).RequireRateLimiting(Accounts.LoginLimiter);
        app.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/login");
        });
        app.MapGet("/denied", () => Page("403", "<h1>无权访问 · Not allowed</h1><p>Your account may not see this page.</p>"));
    }

    private static IResult Form(HttpContext http, IAntiforgery antiforgery, string? returnUrl, string? problem, int status = 200)
    {
        string body = $"""
            <h1>登录 · Sign in</h1>
            {(problem is null ? "" : $"<p class=failed>{E(problem)}</p>")}
            <form method=post action='/login' class=tile style='max-width:360px'>
            {AntiforgeryField(http, antiforgery)}
            <input type=hidden name=returnUrl value='{E(returnUrl)}'>
            <p><label>用户名 User name<br><input name=userName autocomplete=username required autofocus></label></p>
            <p><label>密码 Password<br><input name=password type=password autocomplete=current-password required></label></p>
            <p><button>登录 Sign in</button></p>
            </form>
            """;
        var page = Page("Sign in", body);
        return status == 200 ? page : new StatusResult(page, status);
    }

    private sealed class StatusResult(IResult inner, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            http.Response.StatusCode = status;
            return inner.ExecuteAsync(http);
        }
    }
}
