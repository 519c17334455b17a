using DeskVision.Detectors;
using DeskVision.Scoring;
using DeskVision.Store;
using DeskVision.Web.Audits;
using DeskVision.Web.Notifications;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Web.Hosting;

/// <summary>The services the web app and a worker share: database, detector, standard, audit pipeline, Hangfire.</summary>
public static class AuditServices
{
    public static IServiceCollection AddDeskVision(this IServiceCollection services, IConfiguration config, bool runJobs)
    {
        string connection = Database.WithoutJit(config["DESKVISION_DB"] ?? AppSettings.ConnectionString());
        services.AddDbContext<DeskVisionDb>(o => o.UseNpgsql(connection, n => n.EnableRetryOnFailure(3)));
        services.AddSingleton(sp => new ObjectDetector(new DetectorOptions
        {
            ModelPath = ModelFile.Resolve(config["DESKVISION_MODEL"], ProjectPaths.Models),
        }));
        services.AddSingleton(sp => StandardFile.Load(AppSettings.DefaultStandardFile, sp.GetRequiredService<ObjectDetector>().Labels));
        services.AddSingleton<AuditPipeline>();
        services.AddSingleton<CurrentStandard>();
        services.AddSingleton(new EvidenceFolder(AppSettings.EvidenceRoot));
        services.AddSingleton(sp => new ReferencePictures(AppSettings.ReferenceRoot, sp.GetRequiredService<ObjectDetector>()));
        services.AddScoped<AuditWriter>();
        services.AddScoped<CameraAudit>();
        services.AddScoped<CameraAuditJob>();
        services.AddScoped<EvidenceRetention>();
        services.AddScoped<Schedules.AuditScheduler>();
        services.AddSingleton<CameraSources>();
        services.AddSingleton(TimeProvider.System);
        // Each camera's own limit (HttpCameraOptions.Timeout) bounds a snapshot; this only guards against a forgotten one.
        services.AddHttpClient("cameras", c => c.Timeout = TimeSpan.FromSeconds(60));
        services.AddWebhookClient(config);
        services.AddDataProtection().SetApplicationName("DeskVision").PersistKeysToDbContext<DeskVisionDb>();

        services.AddHangfire(h => h
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connection), new PostgreSqlStorageOptions
            {
                QueuePollInterval = TimeSpan.FromMilliseconds(500),
                PrepareSchemaIfNecessary = true,
                // A worker that dies mid-job stops refreshing its claim; after this long another worker takes the job.
                UseSlidingInvisibilityTimeout = true,
                InvisibilityTimeout = TimeSpan.FromSeconds(int.TryParse(config["DESKVISION_JOB_TIMEOUT_SECONDS"], out int s) ? s : 60),
                // Hangfire's schedulers hold short locks; one left by a killed process would otherwise stop delayed
                // jobs (the burst frames, the day's plan) on every other worker for the default ten minutes.
                DistributedLockTimeout = TimeSpan.FromSeconds(int.TryParse(config["DESKVISION_LOCK_TIMEOUT_SECONDS"], out int l) ? l : 60),
            }));
        if (runJobs)
            services.AddHangfireServer(o =>
            {
                // The detector serialises model runs; a second worker overlaps snapshot I/O and storing with them.
                o.WorkerCount = 2;
                o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
                o.SchedulePollingInterval = TimeSpan.FromSeconds(5);
            });
        return services;
    }

    /// <summary>Migrates the database and loads the detector and the standard now, so a bad model or standard stops start-up with its message.</summary>
    public static async Task PrepareAsync(IServiceProvider services, CancellationToken ct)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DeskVisionDb>();
        try { await db.Database.MigrateAsync(ct); }
        catch (Exception e) when (e is Npgsql.PostgresException || e.InnerException is Npgsql.PostgresException)
        {
            throw new DatabaseUnavailableException($"database migration failed: {(e as Npgsql.PostgresException ?? e.InnerException)!.Message}", e);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException || e.InnerException is Npgsql.NpgsqlException)
        {
            throw new DatabaseUnavailableException($"PostgreSQL is not reachable: {(e.InnerException ?? e).Message}", e);
        }
        services.GetRequiredService<AuditPipeline>();
        var standards = services.GetRequiredService<CurrentStandard>();
        await standards.PublishFileAsync(db, ct);
        try { await standards.GetAsync(db, ct); }
        catch (ConfigException e)
        {
            // The app must still start, so an admin can publish a version this model can score with.
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AuditServices)).LogError(
                "The current standard version cannot be scored by this process's model, audits will fail until a fixed version is published: {Problem}", e.Message);
        }
    }
}
