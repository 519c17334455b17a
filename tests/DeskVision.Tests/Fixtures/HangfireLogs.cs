namespace DeskVision.Tests;

/// <summary>
/// Hangfire keeps its log provider in a static, set by the last in-process host to its own logger factory. Once that
/// host is disposed, any Hangfire object made later in the same test process (a RecurringJobManager in a site-seed
/// test) would log through the disposed factory and throw; the hosts hand the static back when they go.
/// </summary>
public static class HangfireLogs
{
    public static void Release() => Hangfire.Logging.LogProvider.SetCurrentLogProvider(null);
}
