namespace DeskVision.Audits;

/// <summary>The settings the commands need, as the environment says now (<see cref="DeskVisionSettings.FromEnvironment"/>).</summary>
public static class AppSettings
{
    public static string DefaultStandardFile => DeskVisionSettings.FromEnvironment().StandardFile;

    public static string EvidenceRoot => DeskVisionSettings.FromEnvironment().EvidenceRoot;

    public static string ReferenceRoot => DeskVisionSettings.FromEnvironment().ReferenceRoot;

    public static string ConnectionString() => DeskVisionSettings.FromEnvironment().ConnectionString();
}
