namespace DeskVision.Store;

public static class Roles
{
    public const string Admin = "admin";
    public const string Manager = "manager";
    public const string Staff = "staff";
    public static readonly IReadOnlyList<string> All = [Admin, Manager, Staff];
}

/// <summary>
/// A person who signs in. Admins see everything; managers the halls in <see cref="SiteIds"/>; staff only what is
/// attributed to their own <see cref="StaffId"/>. The password is hashed (ASP.NET Core Identity's PBKDF2 hasher).
/// </summary>
public sealed class UserAccount
{
    public int Id { get; set; }
    public required string UserName { get; set; }
    public required string DisplayName { get; set; }
    public required string Role { get; set; }
    public required string PasswordHash { get; set; }
    public int? StaffId { get; set; }
    public Staff? Staff { get; set; }
    public List<int> SiteIds { get; set; } = [];
    /// <summary>Failed sign-ins in a row; enough of them lock the account for a while.</summary>
    public int FailedLogins { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
