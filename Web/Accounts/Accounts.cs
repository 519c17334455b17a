using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using DeskVision.Store;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Accounts;

/// <summary>Policy names: every page and API endpoint names one.</summary>
public static class Policies
{
    public const string Admin = "admin";
    /// <summary>A hall's manager, or an admin.</summary>
    public const string Manager = "manager";
    /// <summary>Anyone signed in; what they see is then narrowed by <see cref="Visibility"/>.</summary>
    public const string SignedIn = "signed-in";
}

/// <summary>Local accounts with hashed passwords, cookie sign-in for pages and API alike, lockout and throttling.</summary>
public static class Accounts
{
    public const int LockoutAfter = 5;
    public static readonly TimeSpan LockoutFor = TimeSpan.FromMinutes(5);
    public const string LoginLimiter = "login";

    /// <param name="signInsPerMinute">Per client address; DESKVISION_SIGNINS_PER_MINUTE (default 30).</param>
    public static IServiceCollection AddAccounts(this IServiceCollection services, int signInsPerMinute = 30)
    {
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.LoginPath = "/login";
            o.AccessDeniedPath = "/denied";
            o.Cookie.Name = "deskvision";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure behind TLS; plain http on the hall's LAN
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = CheckAccountAsync;
            // The API answers 401/403; only pages are redirected to the sign-in form.
            o.Events.OnRedirectToLogin = c => Answer(c, StatusCodes.Status401Unauthorized);
            // A signed-in user who may not see a page gets 403 with a page that says so, not a redirect.
            // A signed-in user who may not see a page gets 403, not a redirect; the status pages answer it with the app's
            // own 403 page in the layout (the API keeps a bare 403).
            o.Events.OnRedirectToAccessDenied = c =>
            {
                c.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.Manager, p => p.RequireRole(Roles.Admin, Roles.Manager))
            .AddPolicy(Policies.SignedIn, p => p.RequireAuthenticatedUser());
        services.AddAntiforgery(o => { o.Cookie.Name = "deskvision-af"; o.Cookie.SameSite = SameSiteMode.Strict; });
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(LoginLimiter, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = signInsPerMinute, Window = TimeSpan.FromMinutes(1) }));
        });
        services.AddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        return services;
    }

    /// <summary>
    /// The cookie holds the role and halls of the moment the user signed in; an admin may have changed them since,
    /// reset the password or disabled the account. So every request reads the account (one row by key): a disabled or
    /// removed account, or a new password, ends the session; a changed role or set of halls applies at once.
    /// </summary>
    private static async Task CheckAccountAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal is null || CurrentUser.From(context.Principal) is not { } session) return;
        var db = context.HttpContext.RequestServices.GetRequiredService<DeskVisionDb>();
        var account = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == session.Id, context.HttpContext.RequestAborted);
        if (account is null || account.LockedUntil == Disabled || context.Principal.FindFirst(CurrentUser.PasswordClaim)?.Value != PasswordStamp(account))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }
        var now = CurrentUser.Of(account);
        if (!now.SameAs(session))
        {
            context.ReplacePrincipal(Principal(account));
            context.ShouldRenew = true;
        }
    }

    /// <summary>What the sign-in cookie holds for an account.</summary>
    public static ClaimsPrincipal Principal(UserAccount account) =>
        CurrentUser.Of(account).ToPrincipal(CookieAuthenticationDefaults.AuthenticationScheme, PasswordStamp(account));

    /// <summary>A short digest of the stored password hash: it changes with every new password (the hash has a fresh salt).</summary>
    public static string PasswordStamp(UserAccount account) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(account.PasswordHash)))[..16];

    /// <summary>
    /// <see cref="UserAccount.LockedUntil"/> of an account an admin disabled: a lock with no end, lifted only by an admin.
    /// A lock after failed sign-ins ends at a time; this one never does.
    /// </summary>
    public static readonly DateTimeOffset Disabled = DateTimeOffset.MaxValue;

    private static Task Answer(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api")) context.Response.StatusCode = status;
        else context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>Checks a password; counts failures and locks the account after <see cref="LockoutAfter"/> in a row.</summary>
    public static async Task<(UserAccount? User, string? Problem)> SignInAsync(DeskVisionDb db, IPasswordHasher<UserAccount> hasher,
        string userName, string password, CancellationToken ct)
    {
        var user = await db.Users.FirstOrDefaultAsync(u => u.UserName == userName, ct);
        if (user is null) return (null, "wrong user name or password");
        var now = DateTimeOffset.UtcNow;
        if (user.LockedUntil == Disabled) return (null, "account disabled; ask an administrator");
        if (user.LockedUntil > now) return (null, $"account locked after {LockoutAfter} failed sign-ins; try again after {user.LockedUntil:HH:mm} UTC");
        var result = hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            user.FailedLogins++;
            if (user.FailedLogins >= LockoutAfter) { user.LockedUntil = now + LockoutFor; user.FailedLogins = 0; }
            await db.SaveChangesAsync(ct);
            return (null, "wrong user name or password");
        }
        if (result == PasswordVerificationResult.SuccessRehashNeeded) user.PasswordHash = hasher.HashPassword(user, password);
        user.FailedLogins = 0;
        user.LockedUntil = null;
        await db.SaveChangesAsync(ct);
        return (user, null);
    }

    /// <summary>Creates the account if it does not exist (never resets a password someone changed).</summary>
    public static async Task EnsureAsync(DeskVisionDb db, IPasswordHasher<UserAccount> hasher, string userName, string displayName, string role,
        string password, int? staffId, IEnumerable<int> siteIds, CancellationToken ct)
    {
        if (await db.Users.AnyAsync(u => u.UserName == userName, ct)) return;
        var user = new UserAccount
        {
            UserName = userName, DisplayName = displayName, Role = role, PasswordHash = "", StaffId = staffId, SiteIds = siteIds.ToList(),
            CreatedAt = DateTimeOffset.UtcNow,
        };
        user.PasswordHash = hasher.HashPassword(user, password);
        db.Users.Add(user);
        db.AuditLog.Add(new AuditLogEntry { At = DateTimeOffset.UtcNow, Actor = "site-seed", Action = "user.create", Subject = userName, Details = role });
        await db.SaveChangesAsync(ct);
    }
}
