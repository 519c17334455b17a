using DeskVision.Web.Views;
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
        builder.Services.AddDeskVision(builder.Configuration, runJobs: builder.Configuration["DESKVISION_WEB_JOBS"] != "false");
        builder.Services.AddScoped<SiteSeed>();
        var app = builder.Build();
        await AuditServices.PrepareAsync(app.Services, app.Lifetime.ApplicationStopping);

        string? siteFolder = builder.Configuration["DESKVISION_SITE"] ?? Path.Combine(ProjectPaths.Sites, "demo");
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
        app.MapHallPages();
        app.MapAuditApi();
        app.MapCameraApi();
        DeskVision.Web.Reports.ReportPages.MapReports(app);
        app.MapHangfireDashboard("/hangfire"); // local requests only until accounts arrive
        app.Lifetime.ApplicationStarted.Register(() =>
            Console.WriteLine($"DeskVision is up: {string.Join(", ", app.Urls)}  (Hangfire dashboard: /hangfire; Ctrl-C stops)"));
        await app.RunAsync();
        return 0;
    }

    public static async Task<int> WorkerAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables();
        builder.Services.AddDeskVision(builder.Configuration, runJobs: true);
        using var host = builder.Build();
        await AuditServices.PrepareAsync(host.Services, CancellationToken.None);
        Console.WriteLine($"DeskVision worker {Environment.MachineName}:{Environment.ProcessId} is running Hangfire jobs (Ctrl-C stops)");
        await host.RunAsync();
        return 0;
    }
}
