namespace DeskVision.Audits;

/// <summary>Settings read from the environment, with defaults that work in a checkout.</summary>
public static class AppSettings
{
    public static string DefaultStandardFile => Environment.GetEnvironmentVariable("DESKVISION_STANDARD")
        ?? Path.Combine(ProjectPaths.Standards, "service-standard.yaml");

    public static string EvidenceRoot => Environment.GetEnvironmentVariable("DESKVISION_EVIDENCE")
        ?? Path.Combine(ProjectPaths.Root, ".data", "evidence");

    /// <summary>Reference pictures taken in the app; apart from the evidence folder, whose retention sweep deletes old files.</summary>
    public static string ReferenceRoot => Environment.GetEnvironmentVariable("DESKVISION_REFERENCES")
        ?? Path.Combine(ProjectPaths.Root, ".data", "references");

    public static string ConnectionString() => Environment.GetEnvironmentVariable("DESKVISION_DB")
        ?? throw new UsageException("DESKVISION_DB is not set: run through ./deskvision, which starts the database, or set it to a PostgreSQL connection string");
}
