using DeskVision.Audits;
using Microsoft.EntityFrameworkCore;
using DeskVision.Web.Accounts;
using DeskVision.Web.Views;
using Hangfire.Dashboard;
using Hangfire;

namespace DeskVision.Web.Hosting;

/// <summary>The two long-running processes: the web app (with a Hangfire server) and a worker (Hangfire server only).</summary>
public static class Hosts
{
    public static async Task<int> ServeAsync(string[] args)
    {
        // Content root is the build output, so appsettings.json is found whatever folder the command runs from.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables();
        // DESKVISION_WEB_JOBS=false leaves the jobs to worker processes (./deskvision worker).
        var settings = DeskVisionSettings.From(builder.Configuration);
        builder.Services.AddDeskVision(builder.Configuration, runJobs: settings.WebRunsJobs);
        builder.Services.AddScoped<SiteSeed>();
        builder.Services.AddAccounts(settings.SignInsPerMinute);
        builder.Services.AddPages();
        // The style sheet and scripts are served from the project's wwwroot by the build's static web assets manifest
        // (a published app has them in its own wwwroot); the app runs as Production, where this is not on by default.
        builder.WebHost.UseStaticWebAssets();
        var app = builder.Build();
        await AuditServices.PrepareAsync(app.Services, app.Lifetime.ApplicationStopping);

        string siteFolder = settings.SiteFolder;
        if (Directory.Exists(siteFolder))
        {
            using var scope = app.Services.CreateScope();
            var cameras = await scope.ServiceProvider.GetRequiredService<SiteSeed>().LoadAsync(siteFolder, app.Lifetime.ApplicationStopping);
            // Something to see at once, not only after the first scheduled minute.
            var scheduler = scope.ServiceProvider.GetRequiredService<Schedules.AuditScheduler>();
            foreach (string camera in cameras) await scheduler.AuditNowAsync(camera, app.Lifetime.ApplicationStopping);
        }

        app.UseSecurityHeaders();
        app.UseErrorPages();
        app.UsePages();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        RecurringJobs.Register(app.Services, settings);

        // Each hall's nightly training run (training queue; a worker started with --queues training takes it).
        using (var scope = app.Services.CreateScope())
            Models.NightlyTrainingJob.Schedule(app.Services.GetRequiredService<IRecurringJobManager>(),
                await scope.ServiceProvider.GetRequiredService<Store.DeskVisionDb>().Sites.AsNoTracking().ToListAsync(app.Lifetime.ApplicationStopping));

        app.MapSignInPages();
        // Every page and API endpoint needs a signed-in user; each narrows what it shows with the Visibility filters,
        // and the ones for managers or admins say so where they are mapped.
        var signedIn = app.MapGroup("").RequireAuthorization(Policies.SignedIn);
        signedIn.MapAuditApi();
        signedIn.MapGroup("").RequireAuthorization(Policies.Manager).MapCameraApi();
        DeskVision.Web.Reports.ReportPages.MapReports(signedIn);
        DeskVision.Web.Insights.ManagerAndStaffPages.MapManagerAndStaffPages(app); // heatmaps, trends, review, zones, my desk, webhooks: own policies
        app.MapUserPages();                          // admins only
        DeskVision.Web.Standards.StandardPages.MapStandard(app); // view: managers; import and edit: admins
        DeskVision.Web.Zones.ReferencePictureApi.MapReferencePictures(app); // managers of the camera's hall, admins
        DeskVision.Web.Labelling.LabelPages.MapLabelling(app); // managers of the hall, admins
        DeskVision.Web.Models.ModelPages.MapModels(app);       // view: managers; promote and roll back: admins
        app.MapPages();
        app.MapHangfireDashboard("/hangfire", new DashboardOptions { Authorization = [new AdminOnlyDashboard()] });
        app.Lifetime.ApplicationStarted.Register(() =>
            Console.WriteLine($"DeskVision is up: {string.Join(", ", app.Urls)}  (Hangfire dashboard: /hangfire; Ctrl-C stops)"));
        await app.RunAsync();
        return 0;
    }

    public static async Task<int> WorkerAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables();
        // --queues default,training: which kinds of work this worker takes (a training run wants the strongest machine).
        string[] queues = QueuesArgument(args);
        builder.Services.AddDeskVision(builder.Configuration, runJobs: true, queues);
        using var host = builder.Build();
        await AuditServices.PrepareAsync(host.Services, CancellationToken.None);
        Console.WriteLine($"DeskVision worker {Environment.MachineName}:{Environment.ProcessId} is running Hangfire jobs from {string.Join(", ", queues)} (Ctrl-C stops)");
        await host.RunAsync();
        return 0;
    }

    /// <summary>The value of <c>--queues a,b</c> (default <c>default</c>), each a Hangfire queue name.</summary>
    public static string[] QueuesArgument(string[] args)
    {
        int at = Array.IndexOf(args, "--queues");
        if (at < 0) return ["default"];
        if (at + 1 >= args.Length) throw new UsageException("worker: --queues needs a value, e.g. --queues training or --queues default,training");
        var queues = args[at + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var bad = queues.FirstOrDefault(q => !System.Text.RegularExpressions.Regex.IsMatch(q, "^[a-z0-9_-]+$"));
        if (queues.Length == 0 || bad is not null)
            throw new UsageException($"worker: --queues '{args[at + 1]}': queue names are lower-case letters, digits, '_' and '-'");
        return queues;
    }
}

/// <summary>The Hangfire dashboard is for admins: it can retry and delete jobs.</summary>
public sealed class AdminOnlyDashboard : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) =>
        CurrentUser.From(context.GetHttpContext().User) is { IsAdmin: true };
}
