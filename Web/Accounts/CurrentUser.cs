using System.Security.Claims;
using DeskVision.Store;

namespace DeskVision.Web.Accounts;

/// <summary>Who is asking, read from the sign-in cookie: their role, the halls they manage, the staff member they are.</summary>
public sealed record CurrentUser(int Id, string UserName, string DisplayName, string Role, int? StaffId, IReadOnlyList<int> SiteIds)
{
    public const string SiteClaim = "deskvision:site", StaffClaim = "deskvision:staff", PasswordClaim = "deskvision:password";

    public bool IsAdmin => Role == Roles.Admin;
    public bool IsManager => Role == Roles.Manager;
    public bool IsStaff => Role == Roles.Staff;

    /// <summary>Admins every hall; managers theirs; staff none as a whole (only their own records).</summary>
    public bool ManagesSite(int siteId) => IsAdmin || (IsManager && SiteIds.Contains(siteId));

    public static CurrentUser? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true) return null;
        string? id = principal.FindFirstValue(ClaimTypes.NameIdentifier), role = principal.FindFirstValue(ClaimTypes.Role);
        if (id is null || role is null) return null;
        return new CurrentUser(int.Parse(id), principal.FindFirstValue(ClaimTypes.Name) ?? "", principal.FindFirstValue("display") ?? "",
            role, int.TryParse(principal.FindFirstValue(StaffClaim), out int staff) ? staff : null,
            principal.FindAll(SiteClaim).Select(c => int.Parse(c.Value)).ToList());
    }

    /// <param name="passwordStamp">Stands for the password the session was opened with (<see cref="Accounts.PasswordStamp"/>): a new password ends the session.</param>
    public ClaimsPrincipal ToPrincipal(string scheme, string passwordStamp) => new(new ClaimsIdentity(
        [
            new(ClaimTypes.NameIdentifier, Id.ToString()), new(ClaimTypes.Name, UserName), new("display", DisplayName), new(ClaimTypes.Role, Role),
            new(PasswordClaim, passwordStamp),
            .. StaffId is int s ? new[] { new Claim(StaffClaim, s.ToString()) } : [],
            .. SiteIds.Select(site => new Claim(SiteClaim, site.ToString())),
        ], scheme));

    public static CurrentUser Of(UserAccount u) => new(u.Id, u.UserName, u.DisplayName, u.Role, u.StaffId, u.SiteIds);

    /// <summary>Whether the account still gives what this session holds: the same name, role, halls and staff member.</summary>
    public bool SameAs(CurrentUser other) => Id == other.Id && UserName == other.UserName && DisplayName == other.DisplayName && Role == other.Role
        && StaffId == other.StaffId && SiteIds.Order().SequenceEqual(other.SiteIds.Order());

    /// <summary>Lets endpoints take a <c>CurrentUser</c> parameter; they all require a signed-in user, so it is there.</summary>
    public static ValueTask<CurrentUser?> BindAsync(HttpContext context) => ValueTask.FromResult(From(context.User));
}
