using System.Text;
using DeskVision.Store;
using DeskVision.Web.Insights;
using DeskVision.Web.Resources;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using static DeskVision.Web.Views.Html;

namespace DeskVision.Web.Accounts;

/// <summary>
/// <c>/admin/users</c>: the accounts (name, role, staff member, halls, locked or disabled) and the admin's forms to
/// create one, change its role, reset its password, disable, enable and unlock it. Admins only; every form carries the
/// anti-forgery token; a refused form comes back with each wrong field marked and named.
/// </summary>
public static class UserPages
{
    public const string Path = "/admin/users";

    public static void MapUserPages(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(Path).RequireAuthorization(Policies.Admin);
        group.MapGet("", ListPage);
        group.MapPost("", Create);
        group.MapGet("/{id:int}", AccountPage);
        group.MapPost("/{id:int}/role", ChangeRole);
        group.MapPost("/{id:int}/password", ResetPassword);
        group.MapPost("/{id:int}/enabled", SetEnabled);
        group.MapPost("/{id:int}/unlock", Unlock);
    }

    private sealed record Choices(IReadOnlyList<Site> Sites, IReadOnlyList<(int Id, string Name, string Site)> Staff);

    private static async Task<Choices> ChoicesAsync(DeskVisionDb db, CancellationToken ct)
    {
        var sites = await db.Sites.AsNoTracking().OrderBy(s => s.Key).ToListAsync(ct);
        var staff = await db.Staff.AsNoTracking().OrderBy(s => s.SiteId).ThenBy(s => s.Name)
            .Select(s => new { s.Id, s.Name, Site = db.Sites.Where(x => x.Id == s.SiteId).Select(x => x.Name).First() }).ToListAsync(ct);
        return new Choices(sites, staff.Select(s => (s.Id, s.Name, s.Site)).ToList());
    }

    private static async Task<IResult> ListPage(CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery, TimeProvider clock,
        string? done, string? name, CancellationToken ct)
    {
        string message = done == "created" ? t.F("Users.DoneCreated", name) : "";
        return await RenderListAsync(user, t, http, db, antiforgery, clock, null, new AccountChanges.Problems(), message, ct);
    }

    private static async Task<IResult> RenderListAsync(CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery, TimeProvider clock,
        AccountInput? typed, AccountChanges.Problems problems, string message, CancellationToken ct)
    {
        var choices = await ChoicesAsync(db, ct);
        var accounts = await db.Users.AsNoTracking().OrderBy(u => u.Role).ThenBy(u => u.UserName).ToListAsync(ct);
        var staffNames = choices.Staff.ToDictionary(s => s.Id, s => s.Name);
        var siteNames = choices.Sites.ToDictionary(s => s.Id, s => s.Name);
        var now = clock.GetUtcNow();

        var h = new StringBuilder($"<h1>{E(t["Users.Title"])}</h1>");
        if (message.Length > 0) h.Append($"<p class=flash>{E(message)}</p>");
        h.Append($"<table id=accounts><tr><th>{E(t["Users.UserName"])}</th><th>{E(t["Users.DisplayName"])}</th><th>{E(t["Users.Role"])}</th>" +
                 $"<th>{E(t["Users.Staff"])}</th><th>{E(t["Users.Sites"])}</th><th>{E(t["Users.State"])}</th><th>{E(t["Users.Created"])}</th></tr>");
        foreach (var a in accounts)
            h.Append($"<tr data-user='{E(a.UserName)}'><td><a href='{Path}/{a.Id}'>{E(a.UserName)}</a></td><td>{E(a.DisplayName)}</td><td>{E(t["Role." + a.Role])}</td>" +
                     $"<td>{E(a.StaffId is int s && staffNames.TryGetValue(s, out var sn) ? sn : "")}</td>" +
                     $"<td>{E(string.Join("、", a.SiteIds.Select(id => siteNames.GetValueOrDefault(id, $"#{id}"))))}</td>" +
                     $"<td class=state>{E(State(t, a, now))}</td><td>{a.CreatedAt:yyyy-MM-dd}</td></tr>");
        h.Append("</table>");

        h.Append($"<h2 id=create>{E(t["Users.Create"])}</h2>");
        if (problems.Count > 0) h.Append($"<p class=error id=problem>{E(t["Users.NotSaved"])}</p>");
        h.Append($"<form method=post action='{Path}' class=dv-form>{PageParts.Token(antiforgery, http)}");
        h.Append(Field(t, problems, "userName", "Users.UserName", $"<input name=userName required maxlength={AccountChanges.MaxName} autocomplete=off value='{E(typed?.UserName)}'{Invalid(problems, "userName")}>"));
        h.Append(Field(t, problems, "displayName", "Users.DisplayName", $"<input name=displayName maxlength={AccountChanges.MaxDisplayName} value='{E(typed?.DisplayName)}'{Invalid(problems, "displayName")}>"));
        h.Append(RoleFields(t, problems, choices, typed?.Role ?? Roles.Staff, typed?.SiteIds ?? [], typed?.StaffId));
        h.Append(Field(t, problems, "password", "Users.Password", $"<input name=password type=password required minlength={AccountChanges.MinPassword} autocomplete=new-password{Invalid(problems, "password")}>"));
        h.Append($"<button>{E(t["Users.Create"])}</button></form>");
        h.Append($"<p class=muted>{E(t.F("Users.PasswordHint", AccountChanges.MinPassword))} {E(t["Users.RoleHint"])}</p>");
        var page = PageParts.Page(t["Users.Title"], t, http.Request, user, h.ToString());
        return problems.Count > 0 ? Views.Html.WithStatus(page, StatusCodes.Status400BadRequest) : page;
    }

    private static async Task<IResult> AccountPage(int id, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery, TimeProvider clock,
        string? done, CancellationToken ct)
    {
        var account = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, ct);
        return account is null ? Results.NotFound()
            : await RenderAccountAsync(account, user, t, http, db, antiforgery, clock, new AccountChanges.Problems(),
                done is "role" or "password" or "enabled" or "disabled" or "unlocked" ? t["Users.Done." + done] : "", ct);
    }

    private static async Task<IResult> RenderAccountAsync(UserAccount account, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery,
        TimeProvider clock, AccountChanges.Problems problems, string message, CancellationToken ct)
    {
        var choices = await ChoicesAsync(db, ct);
        var history = await db.AuditLog.AsNoTracking().Where(e => e.Subject == AccountChanges.Subject(account.UserName))
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(50).ToListAsync(ct);
        string token = PageParts.Token(antiforgery, http);
        string path = $"{Path}/{account.Id}";
        var now = clock.GetUtcNow();

        var h = new StringBuilder($"<p><a href='{Path}'>{E(t["Users.Back"])}</a></p><h1>{E(account.UserName)} · {E(account.DisplayName)}</h1>");
        if (message.Length > 0) h.Append($"<p class=flash>{E(message)}</p>");
        if (problems.Count > 0)
            h.Append($"<p class=error id=problem>{E(t["Users.NotSaved"])} " +
                     $"{E(string.Join(" ", problems.Select(p => t.F("Common.FieldProblem", t[Label(p.Key)], t.F(p.Value, AccountChanges.MinPassword)))))}</p>");
        h.Append($"<p>{E(t["Users.State"])}: <b id=state>{E(State(t, account, now))}</b></p>");

        h.Append($"<h2>{E(t["Users.Role"])}</h2><form method=post action='{path}/role' class=dv-form id=role-form>{token}");
        h.Append(RoleFields(t, problems, choices, account.Role, account.SiteIds, account.StaffId));
        h.Append($"<button>{E(t["Users.SaveRole"])}</button></form><p class=muted>{E(t["Users.RoleHint"])}</p>");

        h.Append($"<h2>{E(t["Users.ResetPassword"])}</h2><form method=post action='{path}/password' class=dv-form id=password-form>{token}");
        h.Append(Field(t, problems, "password", "Users.NewPassword", $"<input name=password type=password required minlength={AccountChanges.MinPassword} autocomplete=new-password{Invalid(problems, "password")}>"));
        h.Append($"<button>{E(t["Users.ResetPassword"])}</button></form><p class=muted>{E(t.F("Users.PasswordHint", AccountChanges.MinPassword))}</p>");

        bool disabled = account.LockedUntil == Accounts.Disabled;
        h.Append($"<form method=post action='{path}/enabled' id=enabled-form>{token}<input type=hidden name=enabled value='{(disabled ? "true" : "false")}'>" +
                 $"<button>{E(t[disabled ? "Users.Enable" : "Users.Disable"])}</button></form>");
        if (!disabled && account.LockedUntil > now)
            h.Append($"<form method=post action='{path}/unlock' id=unlock-form>{token}<button>{E(t["Users.Unlock"])}</button></form>");

        h.Append($"<h2>{E(t["Users.History"])}</h2><ul id=history>");
        foreach (var e in history) h.Append($"<li>{e.At:yyyy-MM-dd HH:mm} UTC · {E(e.Actor)} · {E(e.Action)}{(e.Details is null ? "" : " · " + E(e.Details))}</li>");
        if (history.Count == 0) h.Append($"<li>{E(t["Common.None"])}</li>");
        h.Append("</ul>");
        var page = PageParts.Page(account.UserName, t, http.Request, user, h.ToString());
        return problems.Count > 0 ? Views.Html.WithStatus(page, StatusCodes.Status400BadRequest) : page;
    }

    private static async Task<AccountInput> ReadAsync(HttpContext http, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        return new AccountInput(form["userName"], form["displayName"], form["role"],
            form["sites"].Select(s => int.TryParse(s, out int id) ? id : -1).ToList(),
            int.TryParse(form["staff"], out int staff) ? staff : null, form["password"]);
    }

    private static async Task<IResult> Create(CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery, TimeProvider clock,
        IPasswordHasher<UserAccount> hasher, ILogger<AccountChanges> log, CancellationToken ct)
    {
        if (!await PageParts.ValidTokenAsync(antiforgery, http)) return PageParts.BadToken(t);
        var input = await ReadAsync(http, ct);
        var (account, problems) = await new AccountChanges(db, hasher, clock).CreateAsync(user, input, ct);
        if (account is null) return await RenderListAsync(user, t, http, db, antiforgery, clock, input with { Password = null }, problems, "", ct);
        log.LogInformation("Account {UserName} ({Role}) created by {Admin}", account.UserName, account.Role, user.UserName);
        return Results.Redirect($"{Path}?done=created&name={Uri.EscapeDataString(account.UserName)}");
    }

    private delegate Task<AccountChanges.Problems> Change(AccountChanges changes, UserAccount account, HttpContext http, CancellationToken ct);

    /// <summary>The shape every change of one account shares: token, account, change, then the page again (with the problems) or a redirect.</summary>
    private static async Task<IResult> ChangeAsync(int id, string done, Change change, CurrentUser user, Text t, HttpContext http, DeskVisionDb db,
        IAntiforgery antiforgery, TimeProvider clock, IPasswordHasher<UserAccount> hasher, ILogger log, CancellationToken ct)
    {
        if (!await PageParts.ValidTokenAsync(antiforgery, http)) return PageParts.BadToken(t);
        var account = await db.Users.FirstOrDefaultAsync(u => u.Id == id, ct);
        if (account is null) return Results.NotFound();
        var problems = await change(new AccountChanges(db, hasher, clock), account, http, ct);
        if (problems.Count > 0)
        {
            db.ChangeTracker.Clear(); // show the account as stored, not as half-changed
            var stored = await db.Users.AsNoTracking().FirstAsync(u => u.Id == id, ct);
            return await RenderAccountAsync(stored, user, t, http, db, antiforgery, clock, problems, "", ct);
        }
        log.LogInformation("Account {UserName}: {Change} by {Admin}", account.UserName, done, user.UserName);
        return Results.Redirect($"{Path}/{id}?done={done}");
    }

    private static Task<IResult> ChangeRole(int id, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery, TimeProvider clock,
        IPasswordHasher<UserAccount> hasher, ILogger<AccountChanges> log, CancellationToken ct) =>
        ChangeAsync(id, "role", async (changes, account, http, ct) => await changes.ChangeRoleAsync(user, account, await ReadAsync(http, ct), ct),
            user, t, http, db, antiforgery, clock, hasher, log, ct);

    private static Task<IResult> ResetPassword(int id, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery, TimeProvider clock,
        IPasswordHasher<UserAccount> hasher, ILogger<AccountChanges> log, CancellationToken ct) =>
        ChangeAsync(id, "password", async (changes, account, http, ct) => await changes.ResetPasswordAsync(user, account, (await ReadAsync(http, ct)).Password, ct),
            user, t, http, db, antiforgery, clock, hasher, log, ct);

    private static async Task<IResult> SetEnabled(int id, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery, TimeProvider clock,
        IPasswordHasher<UserAccount> hasher, ILogger<AccountChanges> log, CancellationToken ct)
    {
        bool enable = http.Request.HasFormContentType && (await http.Request.ReadFormAsync(ct))["enabled"] == "true";
        return await ChangeAsync(id, enable ? "enabled" : "disabled", (changes, account, _, ct) => changes.SetDisabledAsync(user, account, !enable, ct),
            user, t, http, db, antiforgery, clock, hasher, log, ct);
    }

    private static Task<IResult> Unlock(int id, CurrentUser user, Text t, HttpContext http, DeskVisionDb db, IAntiforgery antiforgery, TimeProvider clock,
        IPasswordHasher<UserAccount> hasher, ILogger<AccountChanges> log, CancellationToken ct) =>
        ChangeAsync(id, "unlocked", async (changes, account, _, ct) => { await changes.UnlockAsync(user, account, ct); return new AccountChanges.Problems(); },
            user, t, http, db, antiforgery, clock, hasher, log, ct);

    private static string State(Text t, UserAccount a, DateTimeOffset now) =>
        a.LockedUntil == Accounts.Disabled ? t["Users.Disabled"]
        : a.LockedUntil > now ? t.F("Users.Locked", $"{a.LockedUntil:yyyy-MM-dd HH:mm} UTC")
        : t["Users.Active"];

    /// <summary>The role select with its halls (for managers) and staff member (for staff).</summary>
    private static string RoleFields(Text t, AccountChanges.Problems problems, Choices choices, string role, IReadOnlyList<int> sites, int? staff)
    {
        var h = new StringBuilder();
        h.Append(Field(t, problems, "role", "Users.Role", $"<select name=role{Invalid(problems, "role")}>" +
            string.Concat(Roles.All.Select(r => $"<option value='{r}'{(r == role ? " selected" : "")}>{E(t["Role." + r])}</option>")) + "</select>"));
        h.Append(Field(t, problems, "sites", "Users.Sites", $"<span{Invalid(problems, "sites")}>" + string.Concat(choices.Sites.Select(s =>
            $"<label style='flex-direction:row;gap:.2rem'><input type=checkbox name=sites value='{s.Id}'{(sites.Contains(s.Id) ? " checked" : "")}>{E(s.Name)}</label>")) + "</span>"));
        h.Append(Field(t, problems, "staff", "Users.Staff", $"<select name=staff{Invalid(problems, "staff")}><option value=''>{E(t["Common.None"])}</option>" +
            string.Concat(choices.Staff.Select(s => $"<option value='{s.Id}'{(s.Id == staff ? " selected" : "")}>{E(s.Name)} · {E(s.Site)}</option>")) + "</select>"));
        return h.ToString();
    }

    /// <summary>A labelled field; a refused one shows its problem under it.</summary>
    private static string Field(Text t, AccountChanges.Problems problems, string name, string labelKey, string control) =>
        $"<label>{E(t[labelKey])}{control}" +
        (problems.TryGetValue(name, out var key) ? $"<span class=error id='error-{name}'>{E(t.F(key, AccountChanges.MinPassword))}</span>" : "") + "</label>";

    private static string Invalid(AccountChanges.Problems problems, string name) =>
        problems.ContainsKey(name) ? $" aria-invalid=true aria-describedby='error-{name}'" : "";

    private static string Label(string field) => field switch
    {
        "userName" => "Users.UserName", "displayName" => "Users.DisplayName", "role" => "Users.Role", "sites" => "Users.Sites",
        "staff" => "Users.Staff", "password" => "Users.Password", _ => "Users.State",
    };

}
