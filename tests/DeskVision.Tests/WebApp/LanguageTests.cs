using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Resources;

namespace DeskVision.Tests.WebApp;

/// <summary>
/// The pages' words come from Ui.resx (Chinese, the default) and Ui.en.resx (English): both have every key, with the
/// same {n} places, and every key the page code asks for exists.
/// </summary>
public sealed partial class LanguageTests
{
    private static readonly string Resources = Path.Combine(TestData.Root, "Web", "Resources");
    private static readonly string[] PageFolders = ["Insights", "Review", "Zones", "MyDesk", "Notifications", "Accounts", "Admin", "Components"];

    private static Dictionary<string, string> Read(string file) =>
        XDocument.Load(Path.Combine(Resources, file)).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!);

    [Fact]
    public void Chinese_and_english_have_the_same_keys_and_placeholders()
    {
        var zh = Read("Ui.resx");
        var en = Read("Ui.en.resx");
        Assert.Equal(zh.Keys.Order(StringComparer.Ordinal), en.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, text) in zh)
            Assert.True(Places(text).SetEquals(Places(en[key])), $"{key}: '{text}' and '{en[key]}' have different {{n}} places");
        // The default is Chinese; the English file is English.
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", zh["Heat.Title"]);
        Assert.Equal("Heatmaps", en["Heat.Title"]);
    }

    [Fact]
    public void Every_key_the_pages_ask_for_exists_and_the_lookup_answers_in_both_languages()
    {
        var zh = Read("Ui.resx");
        var used = PageFolders.SelectMany(f => Directory.EnumerateFiles(Path.Combine(TestData.Root, "Web", f), "*.*", SearchOption.AllDirectories))
            .Where(file => file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".razor", StringComparison.Ordinal))
            .SelectMany(file => Asked().Matches(File.ReadAllText(file)).Select(m => (File: Path.GetFileName(file), Key: m.Groups[1].Value)))
            .ToList();
        Assert.True(used.Count > 100, $"only {used.Count} lookups found: has the page code changed how it asks?");
        Assert.All(used, u => Assert.True(zh.ContainsKey(u.Key), $"{u.File} asks for '{u.Key}', which Ui.resx does not have"));
        // Keys built from data: a violation's state, an appeal's outcome, a webhook's format.
        var built = new[] { "open", "rectified", "closed", "overturned" }.Select(s => "State." + s)
            .Concat(new[] { DeskVision.Store.AppealOutcomes.Upheld, DeskVision.Store.AppealOutcomes.Overturned }.Select(o => "Outcome." + o))
            .Concat(DeskVision.Web.Notifications.WebhookPages.Formats.Select(f => "Hooks.Format." + f))
            .Concat(DeskVision.Store.Roles.All.Select(r => "Role." + r))
            .Concat(new[] { "role", "password", "enabled", "disabled", "unlocked" }.Select(d => "Users.Done." + d))
            // The components' families: tile states, audit statuses, severities, status pages, review log actions, the menu.
            .Concat(new[] { "red", "amber", "green", "unknown" }.Select(s => "Board.State." + s))
            .Concat(new[] { DeskVision.Store.AuditStatuses.Ok, DeskVision.Store.AuditStatuses.Failed, DeskVision.Store.AuditStatuses.Unreliable }.Select(s => "Audit.Status." + s))
            .Concat(new[] { "major", "minor" }.Select(s => "Severity." + s))
            .Concat(new[] { "401", "403", "404", "Other" }.SelectMany(c => new[] { $"Status.{c}.Title", $"Status.{c}.Detail" }))
            .Concat(new[] { "violation.confirm", "violation.false-positive", "violation.close" }.Select(a => "Review.Action." + a))
            .Concat(DeskVision.Store.Roles.All.SelectMany(role => DeskVision.Web.Components.Layout.Menu.For(
                new DeskVision.Web.Accounts.CurrentUser(1, "u", "u", role, 1, [1]))).Select(link => link.Key))
            // The account pages hand keys on as strings (a field's label, a problem found by AccountChanges).
            .Concat(Directory.EnumerateFiles(Path.Combine(TestData.Root, "Web", "Accounts"), "*.cs")
                .SelectMany(file => NamedKey().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value)));
        Assert.All(built, key => Assert.True(zh.ContainsKey(key), $"'{key}' is missing"));

        Assert.Equal(zh["Heat.Title"], Text.In("zh")["Heat.Title"]);
        Assert.Equal("Heatmaps", Text.In("en")["Heat.Title"]);
        Assert.Equal("Trends", new Text(CultureInfo.GetCultureInfo("en")).F("Trend.Title"));
        Assert.Equal("No.Such.Key", Text.In("zh")["No.Such.Key"]);   // a missing key shows as itself, to be seen and fixed
    }

    [GeneratedRegex(@"""(Users\.[A-Z][A-Za-z]+)""")]
    private static partial Regex NamedKey();

    private static HashSet<string> Places(string text) => [.. Place().Matches(text).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"\{(\d+)[^}]*\}")]
    private static partial Regex Place();

    // t["Key"] and t.F("Key", ...) in endpoint code, T["Key"] and T.F("Key", ...) in components; keys built at run time
    // (t["State." + state]) are checked as families above.
    [GeneratedRegex(@"\b[tT](?:\[""|\.F\("")([A-Z][A-Za-z]+\.[A-Za-z.0-9]+)""(?=[\]),])")]
    private static partial Regex Asked();
}
