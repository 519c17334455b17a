using System.Net;
using DeskVision.Store;
using DeskVision.Tests.Fixtures;
using DeskVision.Tests.Reports;
using DeskVision.Web.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using static DeskVision.Tests.Reports.SeededMonth;

namespace DeskVision.Tests.Api;

/// <summary>
/// Admins manage accounts on <c>/admin/users</c> of the running app: create, change role, reset password, disable and
/// enable. Each change holds at once, also for a user signed in already; a refused form names its wrong fields.
/// </summary>
[Collection(RunningAppCollection.Name)]
public sealed class UserAdminTests(RunningApp app)
{
    private static string NewName(string role) => $"{role}-{Guid.NewGuid():N}"[..14];

    private async Task<int> IdOfAsync(string userName)
    {
        await using var db = app.Database.NewContext();
        return await db.Users.Where(u => u.UserName == userName).Select(u => u.Id).SingleAsync();
    }

    private Task<HttpResponseMessage> CreateAsync(params (string, string)[] fields) => app.Http.SubmitFormAsync("/admin/users", "/admin/users", fields);

    private Task<HttpResponseMessage> ChangeAsync(int id, string what, params (string, string)[] fields) =>
        app.Http.SubmitFormAsync($"/admin/users/{id}", $"/admin/users/{id}/{what}", fields);

    /// <summary>A client that does not follow redirects, to see a 401 or a redirect to the sign-in page as it is.</summary>
    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path) => (await http.GetAsync(path)).StatusCode;

    [Fact]
    public async Task An_account_an_admin_creates_is_listed_with_its_role_and_hall_and_can_sign_in()
    {
        var hall = await TestHall.OpenAsync(app.Database, W1);
        var site = await hall.SiteAsync();
        string name = NewName("mgr");

        var created = await CreateAsync(("userName", name), ("displayName", "王经理"), ("role", Roles.Manager), ("sites", site.Id.ToString()), ("password", "hall-manager-2026"));

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        string list = await app.Http.GetStringAsync("/admin/users?lang=en");
        string row = list[list.IndexOf($"data-user='{name}'", StringComparison.Ordinal)..];
        row = row[..row.IndexOf("</tr>", StringComparison.Ordinal)];
        Assert.Contains("王经理", row);
        Assert.Contains("Manager", row);
        Assert.Contains(site.Name, row);
        Assert.Contains("Active", row);
        await using (var db = app.Database.NewContext())
        {
            var account = await db.Users.SingleAsync(u => u.UserName == name);
            Assert.DoesNotContain("hall-manager-2026", account.PasswordHash); // hashed by Identity's PBKDF2 hasher
            Assert.NotEqual(PasswordVerificationResult.Failed, new PasswordHasher<UserAccount>().VerifyHashedPassword(account, account.PasswordHash, "hall-manager-2026"));
        }
        using var manager = await SignedInClient.SignInAsync(app.BaseUrl, name, "hall-manager-2026");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(manager, $"/reports/monthly?site={hall.Key}"));
    }

    [Fact]
    public async Task A_refused_form_comes_back_with_each_wrong_field_named_and_nothing_created()
    {
        var created = await CreateAsync(("userName", "../admin"), ("role", Roles.Manager), ("password", "short"));

        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        string page = await created.Content.ReadAsStringAsync();
        Assert.Contains("id='error-userName'", page);
        Assert.Contains("id='error-sites'", page);   // a manager without a hall
        Assert.Contains("id='error-password'", page);
        Assert.DoesNotContain("id='error-role'", page);
        Assert.Contains("value='../admin'", page);     // what was typed is kept, except the password
        await using var db = app.Database.NewContext();
        Assert.False(await db.Users.AnyAsync(u => u.UserName == "../admin"));

        var taken = await CreateAsync(("userName", "admin"), ("role", Roles.Admin), ("password", "long-enough-password"));
        Assert.Contains("id='error-userName'", await taken.Content.ReadAsStringAsync());
        var staffWithoutStaff = await CreateAsync(("userName", NewName("stf")), ("role", Roles.Staff), ("password", "long-enough-password"));
        Assert.Contains("id='error-staff'", await staffWithoutStaff.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_role_change_applies_at_once_to_a_user_already_signed_in()
    {
        var hall = await TestHall.OpenAsync(app.Database, W1);
        var site = await hall.SiteAsync();
        int staff = await hall.StaffAsync("陈静");
        string name = NewName("stf");
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, name, Roles.Staff, staff);
        using var user = await SignedInClient.SignInAsync(app.BaseUrl, name);
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(user, "/api/cameras"));

        var changed = await ChangeAsync(await IdOfAsync(name), "role", ("role", Roles.Manager), ("sites", site.Id.ToString()));

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(user, "/api/cameras"));   // the same session, now a manager
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(user, $"/reports/monthly?site={hall.Key}"));
        await ChangeAsync(await IdOfAsync(name), "role", ("role", Roles.Staff), ("staff", staff.ToString()));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(user, "/api/cameras")); // and back
    }

    [Fact]
    public async Task Disabling_an_account_ends_its_sessions_and_refuses_its_sign_in_until_enabled()
    {
        string name = NewName("mgr");
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, name, Roles.Manager, null, -1);
        using var user = await SignedInClient.SignInAsync(app.BaseUrl, name);
        int id = await IdOfAsync(name);

        await ChangeAsync(id, "enabled", ("enabled", "false"));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(user, "/api/cameras"));
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => SignedInClient.SignInAsync(app.BaseUrl, name));
        Assert.Contains("disabled", refused.Message);
        Assert.Contains("Disabled", await app.Http.GetStringAsync($"/admin/users/{id}?lang=en"));

        await ChangeAsync(id, "enabled", ("enabled", "true"));
        using var again = await SignedInClient.SignInAsync(app.BaseUrl, name);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(again, "/api/cameras"));
    }

    [Fact]
    public async Task A_password_reset_lifts_the_lockout_ends_old_sessions_and_the_new_password_signs_in()
    {
        string name = NewName("mgr");
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, name, Roles.Manager, null, -1);
        using var old = await SignedInClient.SignInAsync(app.BaseUrl, name);
        for (int i = 0; i < Accounts.LockoutAfter; i++)
            await Assert.ThrowsAsync<InvalidOperationException>(() => SignedInClient.SignInAsync(app.BaseUrl, name, "wrong-password"));
        int id = await IdOfAsync(name);
        Assert.Contains("Locked until", await app.Http.GetStringAsync($"/admin/users/{id}?lang=en"));

        var reset = await ChangeAsync(id, "password", ("password", "a-new-password-9"));

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(old, "/api/cameras"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => SignedInClient.SignInAsync(app.BaseUrl, name)); // the old password
        using var fresh = await SignedInClient.SignInAsync(app.BaseUrl, name, "a-new-password-9");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(fresh, "/api/cameras"));
    }

    [Fact]
    public async Task An_admin_can_neither_demote_nor_disable_themselves()
    {
        int self = await IdOfAsync("admin");

        var demoted = await ChangeAsync(self, "role", ("role", Roles.Staff));
        var disabled = await ChangeAsync(self, "enabled", ("enabled", "false"));

        Assert.Equal(HttpStatusCode.BadRequest, demoted.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, disabled.StatusCode);
        await using var db = app.Database.NewContext();
        var admin = await db.Users.SingleAsync(u => u.Id == self);
        Assert.Equal((Roles.Admin, (DateTimeOffset?)null), (admin.Role, admin.LockedUntil));
    }

    [Fact]
    public async Task Only_admins_manage_accounts_and_a_form_without_its_token_is_refused()
    {
        string name = NewName("mgr");
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, name, Roles.Manager, null, -1);
        using var manager = await SignedInClient.SignInAsync(app.BaseUrl, name);
        var fields = new FormUrlEncodedContent(new Dictionary<string, string> { ["userName"] = NewName("x"), ["role"] = Roles.Admin, ["password"] = "long-enough-password" });

        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsync("/admin/users", fields)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await manager.PostAsync($"/admin/users/{await IdOfAsync(name)}/role", fields)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Http.PostAsync("/admin/users", fields)).StatusCode); // an admin, but no token
        Assert.DoesNotContain("/admin/users", await manager.GetStringAsync("/me"));  // not in a manager's links
        Assert.Contains("/admin/users", await app.Http.GetStringAsync("/me"));       // in an admin's
    }
}
