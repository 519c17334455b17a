using System.Text;
using System.Text.Json;
using DeskVision.Store;

namespace DeskVision.Web.Notifications;

public static class NoticeEvents
{
    /// <summary>A violation of a clause of severity "major" was found.</summary>
    public const string MajorViolation = "violation.major";
    /// <summary>A violation is still open (not rectified, not closed, not overturned) past the rectification deadline.</summary>
    public const string Overdue = "violation.overdue";
    /// <summary>A camera failed <see cref="Audits.CameraAuditJob.OfflineAfter"/> snapshots in a row.</summary>
    public const string CameraOffline = "camera.offline";
}

/// <summary>Something a hall's group chat should hear about: a title and labelled lines (Chinese, for the hall), plus the facts for machines.</summary>
public sealed record Notice(string Event, string SiteKey, string SiteName, string Title, IReadOnlyList<(string Label, string Value)> Lines,
    DateTimeOffset At, string? Link, IReadOnlyDictionary<string, object?> Data);

/// <summary>
/// The message bodies: a generic JSON document, and the markdown messages of the WeCom (企业微信) and DingTalk (钉钉)
/// group robots. DingTalk robots set to "custom keywords" need a keyword in the text: every message carries "DeskVision".
/// </summary>
public static class WebhookPayloads
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // Chinese stays readable in the payload
    };

    public static string Build(string format, Notice n) => format switch
    {
        WebhookFormats.WeCom => JsonSerializer.Serialize(new { msgtype = "markdown", markdown = new { content = Markdown(n, wecom: true) } }, Options),
        WebhookFormats.DingTalk => JsonSerializer.Serialize(new { msgtype = "markdown", markdown = new { title = $"DeskVision {n.Title}", text = Markdown(n, wecom: false) } }, Options),
        _ => JsonSerializer.Serialize(new
        {
            source = "DeskVision", @event = n.Event, site = new { key = n.SiteKey, name = n.SiteName }, title = n.Title,
            text = string.Join('\n', n.Lines.Select(l => $"{l.Label}: {l.Value}")), at = n.At, link = n.Link, data = n.Data,
        }, Options),
    };

    /// <summary>WeCom quotes lines with "&gt;" and colours with &lt;font color="warning"&gt;; DingTalk's markdown wants blank lines between paragraphs.</summary>
    public static string Markdown(Notice n, bool wecom)
    {
        var s = new StringBuilder($"### DeskVision · {Clean(n.Title)}\n");
        foreach (var (label, value) in n.Lines)
            s.Append(wecom ? $"> {Clean(label)}：<font color=\"{(label == n.Lines[0].Label ? "warning" : "comment")}\">{Clean(value)}</font>\n" : $"\n- **{Clean(label)}**：{Clean(value)}\n");
        if (n.Link is not null) s.Append(wecom ? $"\n[查看详情 View]({n.Link})" : $"\n[查看详情 View]({n.Link})\n");
        return s.ToString();
    }

    // Markdown and the robots' tags: names come from the site's own data, but a stray bracket or tag must not break the message.
    private static string Clean(string text) => text.Replace("<", "‹").Replace(">", "›").Replace("[", "【").Replace("]", "】").Replace("\n", " ");
}
