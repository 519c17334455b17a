using Microsoft.Extensions.Configuration;

namespace DeskVision.Audits;

/// <summary>
/// Every <c>DESKVISION_*</c> setting, read in this one place (<see cref="From"/>) with defaults that work in a checkout.
/// The web app and workers bind it once from their configuration (environment variables) and hand it out as a service;
/// the commands, and the few static places that have no services, take <see cref="FromEnvironment"/>.
/// (<c>DESKVISION_ROOT</c>, which says where the checkout is, is read by <see cref="ProjectPaths"/>, before any of this.)
/// </summary>
public sealed record DeskVisionSettings
{
    /// <summary><c>DESKVISION_DB</c>: the PostgreSQL connection string; none outside ./deskvision.</summary>
    public string? Database { get; init; }
    /// <summary><c>DESKVISION_MODEL</c>: n, s, m or a path (<c>ModelFile.Resolve</c>; default s).</summary>
    public string? Model { get; init; }
    /// <summary><c>DESKVISION_STANDARD</c>: the site's standard file.</summary>
    public required string StandardFile { get; init; }
    /// <summary><c>DESKVISION_EVIDENCE</c>: the snapshot (evidence) folder.</summary>
    public required string EvidenceRoot { get; init; }
    /// <summary><c>DESKVISION_REFERENCES</c>: reference pictures taken in the app; apart from the evidence folder, whose retention sweep deletes old files.</summary>
    public required string ReferenceRoot { get; init; }
    /// <summary><c>DESKVISION_SITE</c>: the site folder loaded at start-up, whose camera files complete the stored cameras.</summary>
    public required string SiteFolder { get; init; }
    /// <summary><c>DESKVISION_WEB_JOBS</c>=false leaves the jobs to worker processes.</summary>
    public bool WebRunsJobs { get; init; } = true;
    /// <summary><c>DESKVISION_SIGNINS_PER_MINUTE</c>: sign-in attempts per minute and address.</summary>
    public int SignInsPerMinute { get; init; } = 30;
    /// <summary><c>DESKVISION_JOB_TIMEOUT_SECONDS</c>: after this long without a sign of life, another worker takes a job.</summary>
    public TimeSpan JobTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary><c>DESKVISION_LOCK_TIMEOUT_SECONDS</c>: how long a lock left by a killed process holds the schedulers up.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary><c>DESKVISION_RETENTION_DAYS</c>: how long evidence pictures are kept.</summary>
    public TimeSpan EvidenceRetention { get; init; } = TimeSpan.FromDays(90);
    /// <summary><c>DESKVISION_RECTIFY_MINUTES</c>: a violation still open after this long is overdue (and notified).</summary>
    public TimeSpan RectifyDeadline { get; init; } = TimeSpan.FromMinutes(60);
    /// <summary><c>DESKVISION_PUBLIC_URL</c>: the app's address as people reach it, for links in notifications.</summary>
    public string? PublicUrl { get; init; }

    public static DeskVisionSettings From(IConfiguration config) => new()
    {
        Database = config["DESKVISION_DB"],
        Model = config["DESKVISION_MODEL"],
        StandardFile = config["DESKVISION_STANDARD"] ?? Path.Combine(ProjectPaths.Standards, "service-standard.yaml"),
        EvidenceRoot = config["DESKVISION_EVIDENCE"] ?? Path.Combine(ProjectPaths.Root, ".data", "evidence"),
        ReferenceRoot = config["DESKVISION_REFERENCES"] ?? Path.Combine(ProjectPaths.Root, ".data", "references"),
        SiteFolder = config["DESKVISION_SITE"] ?? Path.Combine(ProjectPaths.Sites, "demo"),
        WebRunsJobs = config["DESKVISION_WEB_JOBS"] != "false",
        SignInsPerMinute = int.TryParse(config["DESKVISION_SIGNINS_PER_MINUTE"], out int perMinute) ? perMinute : 30,
        JobTimeout = TimeSpan.FromSeconds(int.TryParse(config["DESKVISION_JOB_TIMEOUT_SECONDS"], out int job) ? job : 60),
        LockTimeout = TimeSpan.FromSeconds(int.TryParse(config["DESKVISION_LOCK_TIMEOUT_SECONDS"], out int held) ? held : 60),
        EvidenceRetention = TimeSpan.FromDays(int.TryParse(config["DESKVISION_RETENTION_DAYS"], out int days) && days > 0 ? days : 90),
        RectifyDeadline = TimeSpan.FromMinutes(int.TryParse(config["DESKVISION_RECTIFY_MINUTES"], out int minutes) && minutes > 0 ? minutes : 60),
        PublicUrl = config["DESKVISION_PUBLIC_URL"]?.TrimEnd('/'),
    };

    /// <summary>The settings as the process's environment says now (read again on each call: tests set them).</summary>
    public static DeskVisionSettings FromEnvironment() => From(new ConfigurationBuilder().AddEnvironmentVariables().Build());

    public string ConnectionString() => Database
        ?? throw new UsageException("DESKVISION_DB is not set: run through ./deskvision, which starts the database, or set it to a PostgreSQL connection string");
}
