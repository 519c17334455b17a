using System.Net;
using DeskVision.Store;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Accounts;
using DeskVision.Web.Audits;
using DeskVision.Web.Insights;
using DeskVision.Web.Notifications;
using DeskVision.Web.Views;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DeskVision.Tests.WebApp;

/// <summary>
/// The manager and staff pages in a Kestrel host of their own on 127.0.0.1 (real HTTP, real cookies, the real account
/// policies and anti-forgery) over a fresh database, so they are tested through HTTP as a browser uses them. Signing in
/// goes through a test-only endpoint that issues the same cookie the sign-in page does.
/// </summary>
public sealed class PagesHost : IAsyncLifetime
{
    public DatabaseFixture Database { get; } = new();
    public TestData.TempFolder Evidence { get; } = new();
    private WebApplication? _app;
    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddDbContext<DeskVisionDb>(o => o.UseNpgsql(Database.ConnectionString));
        builder.Services.AddAccounts();
        builder.Services.AddPages();
        builder.Services.AddSingleton(new EvidenceFolder(Evidence.Path));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient();
        builder.Services.AddWebhookClient(builder.Configuration);
        var app = builder.Build();
        app.UsePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapGet("/test/sign-in", async (HttpContext http, DeskVisionDb db, string user) =>
        {
            var account = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == user);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Accounts.Principal(account));
            return Results.Ok();
        });
        app.MapHeatmaps();
        app.MapEvidenceImages();
        DeskVision.Web.Review.ReviewPages.MapReview(app);
        app.MapTrends();
        DeskVision.Web.Zones.ZoneEditorPages.MapZoneEditor(app);
        DeskVision.Web.MyDesk.MyDeskPages.MapMyDesk(app);
        DeskVision.Web.Notifications.WebhookPages.MapNotifications(app);
        app.MapPages();                 // the page components (review, audit, board, ...) and the status pages
        await app.StartAsync();
        _app = app;
        BaseAddress = new Uri(app.Urls.First());
    }

    /// <summary>Creates an account (the password is never used: sign-in here is by the test endpoint).</summary>
    public async Task<string> UserAsync(string role, IEnumerable<int>? sites = null, int? staffId = null)
    {
        string name = $"{role}-{Guid.NewGuid():N}"[..16];
        await using var db = Database.NewContext();
        db.Users.Add(new UserAccount
        {
            UserName = name, DisplayName = $"{role} {name[^4..]}", Role = role, PasswordHash = "-", StaffId = staffId,
            SiteIds = (sites ?? []).ToList(), CreatedAt = DateTimeOffset.UtcNow,
        });
        await db.SaveChangesAsync();
        return name;
    }

    /// <summary>An HTTP client with its own cookie jar, signed in as <paramref name="userName"/>; redirects are not followed.</summary>
    public async Task<HttpClient> ClientAsync(string? userName)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        if (userName is not null) (await client.GetAsync($"/test/sign-in?user={userName}")).EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>Gives audits a stored snapshot: a real photo scaled to 1000 × 1000 (the test audits' image size); returns its file name.</summary>
    public async Task<string> SnapshotAsync(Func<DeskVisionDb, IQueryable<Audit>> which, string photo = "000000000387.jpg")
    {
        string name = $"{Guid.NewGuid():N}.png";
        using (var image = OpenCvSharp.Cv2.ImRead(TestData.Coco(photo)))
        using (var square = image.Resize(new OpenCvSharp.Size(1000, 1000)))
            square.SaveImage(Path.Combine(Evidence.Path, name));
        await using var db = Database.NewContext();
        await which(db).ExecuteUpdateAsync(s => s.SetProperty(a => a.SnapshotPath, name));
        return name;
    }

    /// <summary>The anti-forgery field of the first form on a page.</summary>
    public static string TokenIn(string html) =>
        SignedInClient.FormToken(html) is { Length: > 0 } token ? token : throw new InvalidOperationException("no anti-forgery field on the page");

    /// <summary>Posts a form the way the browser does, with the page's anti-forgery field.</summary>
    public static Task<HttpResponseMessage> PostFormAsync(HttpClient http, string url, string token, params (string Name, string Value)[] fields) =>
        http.PostAsync(url, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))
            .Append(new("__RequestVerificationToken", token))));

    public async Task DisposeAsync()
    {
        if (_app is not null) { await _app.StopAsync(); await _app.DisposeAsync(); HangfireLogs.Release(); }
        await Database.DisposeAsync();
        Evidence.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class PagesHostCollection : ICollectionFixture<PagesHost>
{
    public const string Name = "pages host";
}
