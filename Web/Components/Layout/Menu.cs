using DeskVision.Web.Accounts;

namespace DeskVision.Web.Components.Layout;

/// <summary>One link of the navigation: where it goes and the resource key of its words.</summary>
public sealed record MenuLink(string Href, string Key);

/// <summary>
/// The one navigation, per role. A link that answers 403 is a dead end, so each role sees only what it may open:
/// staff their own desk and appeals; managers the hall's pages; admins those and the accounts, audit log and jobs.
/// A new page adds its link here (and its key to Ui.resx / Ui.en.resx).
/// </summary>
public static class Menu
{
    public static IReadOnlyList<MenuLink> For(CurrentUser? user)
    {
        if (user is null) return [];
        if (user.IsStaff)
            return user.StaffId is int staff ? [new("/me", "Nav.MyDesk"), new($"/staff/{staff}", "Nav.MyAppeals")] : [];
        var links = new List<MenuLink>
        {
            new("/", "Nav.Board"), new("/cameras", "Nav.Cameras"), new("/heatmaps", "Nav.Heatmaps"), new("/trends", "Nav.Trends"),
            new("/reports/monthly", "Nav.Monthly"), new("/reports/daily", "Nav.Daily"), new("/appeals", "Nav.Appeals"),
            new("/staff", "Nav.Staff"), new("/roster", "Nav.Roster"), new("/standard", "Nav.Standard"),
        };
        if (user.IsAdmin)
            links.AddRange([new("/admin/users", "Nav.Users"), new("/admin/audit-log", "Nav.AuditLog"), new("/hangfire", "Nav.Jobs")]);
        return links;
    }

    /// <summary>Whether <paramref name="link"/> is the section of <paramref name="path"/> ("/" only for itself).</summary>
    public static bool IsCurrent(MenuLink link, string path) =>
        link.Href == "/" ? path == "/" : path == link.Href || path.StartsWith(link.Href + "/", StringComparison.Ordinal);
}
