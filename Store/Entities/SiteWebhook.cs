namespace DeskVision.Store;

public static class WebhookFormats
{
    public const string Json = "json";
    /// <summary>企业微信 group robot: {"msgtype":"markdown","markdown":{"content":...}}.</summary>
    public const string WeCom = "wecom";
    /// <summary>钉钉 group robot: {"msgtype":"markdown","markdown":{"title":...,"text":...}}.</summary>
    public const string DingTalk = "dingtalk";
}

/// <summary>Where a site's notifications go: a major violation opened, a violation past its deadline, a camera offline.</summary>
public sealed class SiteWebhook
{
    public int Id { get; set; }
    public int SiteId { get; set; }
    public required string Url { get; set; }
    public string Format { get; set; } = WebhookFormats.Json;
    public bool Enabled { get; set; } = true;
}
