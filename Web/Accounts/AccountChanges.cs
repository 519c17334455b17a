using DeskVision.Store;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Accounts;

/// <summary>What an admin fills in for an account: a role with its halls (managers) or its staff member (staff).</summary>
public sealed record AccountInput(string? UserName, string? DisplayName, string? Role, IReadOnlyList<int> SiteIds, int? StaffId, string? Password);

/// <summary>
/// What admins do to accounts: create one, change its role, reset its password, disable and enable it, lift a lockout.
/// Each change is checked first (every problem named by its field, as a resource key of the users page) and stored in
/// one transaction with its audit log entry: who, when, which account, what changed; never a password.
/// </summary>
public sealed class AccountChanges(DeskVisionDb db, IPasswordHasher<UserAccount> hasher, TimeProvider clock)
{
    public const string CreateAction = "user.create", RoleAction = "user.role", PasswordAction = "user.password",
        DisableAction = "user.disable", EnableAction = "user.enable", UnlockAction = "user.unlock";
    public const int MinPassword = 10, MaxName = 40, MaxDisplayName = 60;

    public static string Subject(string userName) => $"user:{userName}";

    /// <summary>Field name → resource key of the problem; empty when all is well.</summary>
    public sealed class Problems : Dictionary<string, string>;

    public async Task<(UserAccount? Account, Problems Problems)> CreateAsync(CurrentUser admin, AccountInput input, CancellationToken ct)
    {
        var problems = new Problems();
        string userName = input.UserName?.Trim() ?? "";
        if (userName.Length is 0 or > MaxName || userName.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')))
            problems["userName"] = "Users.BadUserName";
        else if (await db.Users.AnyAsync(u => u.UserName == userName, ct))
            problems["userName"] = "Users.UserNameTaken";
        string displayName = string.IsNullOrWhiteSpace(input.DisplayName) ? userName : input.DisplayName.Trim();
        if (displayName.Length > MaxDisplayName) problems["displayName"] = "Users.BadDisplayName";
        await CheckRoleAsync(input, problems, ct);
        CheckPassword(input.Password, userName, problems);
        if (problems.Count > 0) return (null, problems);

        var account = new UserAccount
        {
            UserName = userName, DisplayName = displayName, Role = input.Role!, PasswordHash = "", CreatedAt = clock.GetUtcNow(),
            StaffId = input.Role == Roles.Staff ? input.StaffId : null, SiteIds = input.Role == Roles.Manager ? input.SiteIds.Distinct().Order().ToList() : [],
        };
        account.PasswordHash = hasher.HashPassword(account, input.Password!);
        db.Users.Add(account);
        Log(admin, CreateAction, account, await DescribeAsync(account, ct));
        await db.SaveChangesAsync(ct);
        return (account, problems);
    }

    public async Task<Problems> ChangeRoleAsync(CurrentUser admin, UserAccount account, AccountInput input, CancellationToken ct)
    {
        var problems = new Problems();
        // An admin who demoted themselves could leave the site with no admin at all.
        if (account.Id == admin.Id) problems["role"] = "Users.NotYourself";
        else await CheckRoleAsync(input, problems, ct);
        if (problems.Count > 0) return problems;
        string before = await DescribeAsync(account, ct);
        account.Role = input.Role!;
        account.StaffId = input.Role == Roles.Staff ? input.StaffId : null;
        account.SiteIds = input.Role == Roles.Manager ? input.SiteIds.Distinct().Order().ToList() : [];
        string after = await DescribeAsync(account, ct);
        if (before == after) return problems; // nothing changed: nothing to log
        Log(admin, RoleAction, account, $"{before} → {after}");
        await db.SaveChangesAsync(ct);
        return problems;
    }

    /// <summary>Sets a new password; it also lifts a lockout (the user was locked out because they had forgotten it) and ends the user's sessions.</summary>
    public async Task<Problems> ResetPasswordAsync(CurrentUser admin, UserAccount account, string? password, CancellationToken ct)
    {
        var problems = new Problems();
        CheckPassword(password, account.UserName, problems);
        if (problems.Count > 0) return problems;
        account.PasswordHash = hasher.HashPassword(account, password!);
        account.FailedLogins = 0;
        if (account.LockedUntil != Accounts.Disabled) account.LockedUntil = null;
        Log(admin, PasswordAction, account, "new password set by an admin");
        await db.SaveChangesAsync(ct);
        return problems;
    }

    public async Task<Problems> SetDisabledAsync(CurrentUser admin, UserAccount account, bool disabled, CancellationToken ct)
    {
        var problems = new Problems();
        if (account.Id == admin.Id) { problems["enabled"] = "Users.NotYourself"; return problems; }
        if (disabled == (account.LockedUntil == Accounts.Disabled)) return problems;
        account.LockedUntil = disabled ? Accounts.Disabled : null;
        account.FailedLogins = 0;
        Log(admin, disabled ? DisableAction : EnableAction, account, null);
        await db.SaveChangesAsync(ct);
        return problems;
    }

    /// <summary>Lifts a lockout after failed sign-ins before it runs out.</summary>
    public async Task UnlockAsync(CurrentUser admin, UserAccount account, CancellationToken ct)
    {
        if (account.LockedUntil is null || account.LockedUntil == Accounts.Disabled || account.LockedUntil <= clock.GetUtcNow()) return;
        account.LockedUntil = null;
        account.FailedLogins = 0;
        Log(admin, UnlockAction, account, null);
        await db.SaveChangesAsync(ct);
    }

    private async Task CheckRoleAsync(AccountInput input, Problems problems, CancellationToken ct)
    {
        if (!Roles.All.Contains(input.Role ?? "")) { problems["role"] = "Users.BadRole"; return; }
        if (input.Role == Roles.Manager)
        {
            var sites = input.SiteIds.Distinct().ToList();
            if (sites.Count == 0 || await db.Sites.CountAsync(s => sites.Contains(s.Id), ct) != sites.Count) problems["sites"] = "Users.NeedSites";
        }
        if (input.Role == Roles.Staff && (input.StaffId is not int staff || !await db.Staff.AnyAsync(s => s.Id == staff, ct)))
            problems["staff"] = "Users.NeedStaff";
    }

    private static void CheckPassword(string? password, string userName, Problems problems)
    {
        if (password is null || password.Length < MinPassword || password.Length > 200) problems["password"] = "Users.ShortPassword";
        else if (password.Contains(userName, StringComparison.OrdinalIgnoreCase) && userName.Length > 0) problems["password"] = "Users.PasswordHasName";
    }

    /// <summary>"manager of 政务服务中心", "staff 张敏", "admin": what an account may see, in the log's words.</summary>
    private async Task<string> DescribeAsync(UserAccount account, CancellationToken ct)
    {
        if (account.Role == Roles.Manager)
        {
            var names = await db.Sites.AsNoTracking().Where(s => account.SiteIds.Contains(s.Id)).OrderBy(s => s.Key).Select(s => s.Key).ToListAsync(ct);
            return $"manager of {string.Join(", ", names)}";
        }
        if (account.Role == Roles.Staff)
        {
            string? staff = await db.Staff.AsNoTracking().Where(s => s.Id == account.StaffId).Select(s => s.Name).FirstOrDefaultAsync(ct);
            return $"staff {staff}";
        }
        return account.Role;
    }

    private void Log(CurrentUser admin, string action, UserAccount account, string? details) =>
        db.AuditLog.Add(new AuditLogEntry { At = clock.GetUtcNow(), Actor = admin.UserName, Action = action, Subject = Subject(account.UserName), Details = details });
}
