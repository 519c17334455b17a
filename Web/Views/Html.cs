using System.Text.Encodings.Web;
using DeskVision.Web.Accounts;

namespace DeskVision.Web.Views;

/// <summary>The page frame; every asset is inline, nothing from a CDN (halls often have no internet).</summary>
public static class Html
{
    // The default encoder escapes every non-ASCII character; Chinese text should stay readable in the page source.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    public static string E(object? value) => Encoder.Encode(value?.ToString() ?? "");

    /// <summary>A page in the frame; the links bar is drawn when the page is sent, for whoever is signed in.</summary>
    public static IResult Page(string title, string body) => new FramedPage(title, body);

    private sealed class FramedPage(string title, string body) : IResult
    {
        public Task ExecuteAsync(HttpContext http) =>
            Results.Content(Frame(title, body, CurrentUser.From(http.User)), "text/html; charset=utf-8").ExecuteAsync(http);
    }

    private static string Frame(string title, string body, CurrentUser? user) => $$"""
        <!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{E(title)}} · DeskVision</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:0;background:#f4f5f7;color:#222}
        header{background:#1f3a5f;color:#fff;padding:.6rem 1.2rem}header a{color:#fff;text-decoration:none;font-weight:600}
        main{padding:1rem 1.2rem;max-width:1200px}
        .tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:1rem}
        .tile{background:#fff;border-radius:6px;padding:.8rem;box-shadow:0 1px 2px #0002}
        .score{font-size:2rem;font-weight:700}.ok{color:#1a7f37}.warn{color:#b35900}.bad{color:#c62828}
        table{border-collapse:collapse;background:#fff;width:100%}td,th{padding:.35rem .6rem;border-bottom:1px solid #e3e3e3;text-align:left}
        .failed{color:#c62828}.muted{color:#666;font-size:.9em}
        .evidence{position:relative;display:inline-block;max-width:100%}.evidence img,.evidence svg{max-width:100%;display:block}
        .evidence svg{position:absolute;left:0;top:0;width:100%;height:100%}
        </style></head><body><header><a href="/">DeskVision</a> · 窗口6S服务规范 巡检{{Nav(user)}}</header><main>{{body}}</main></body></html>
        """;

    /// <summary>
    /// The links a user may follow: a link that answers 403 is a dead end, so staff see only the hall and their own
    /// desk, managers the hall's pages, admins the job dashboard too. Signed out (the sign-in page), no links.
    /// </summary>
    private static string Nav(CurrentUser? user)
    {
        if (user is null) return "";
        var links = new List<string> { "<a href=\"/\">大厅 Hall</a>" };
        if (!user.IsStaff)
            links.AddRange(["<a href=\"/heatmaps\">热力图 Heatmaps</a>", "<a href=\"/trends\">趋势 Trends</a>", "<a href=\"/cameras\">摄像头 Cameras</a>",
                "<a href=\"/reports/monthly\">月报 Monthly</a>", "<a href=\"/reports/daily\">日清日结 Daily</a>", "<a href=\"/appeals\">申诉 Appeals</a>",
                "<a href=\"/staff\">人员 Staff</a>", "<a href=\"/standard\">规范 Standard</a>"]);
        if (user.StaffId is int staff)
            links.AddRange(["<a href=\"/me\">我的 My desk</a>", $"<a href=\"/staff/{staff}\">我的申诉 My appeals</a>"]);
        if (user.IsAdmin)
            links.AddRange([$"<a href=\"{UserPages.Path}\">用户 Users</a>", $"<a href=\"{Admin.AuditLogPage.Path}\">审计日志 Audit log</a>", "<a href=\"/hangfire\">任务 Jobs</a>"]);
        return $"<nav style=\"display:inline;margin-left:1.5rem;font-size:.9em\">{string.Join(" · ", links)}\n" +
               "<form method=\"post\" action=\"/logout\" style=\"display:inline;margin-left:1rem\"><button style=\"font-size:.8em\">退出 Sign out</button></form></nav>";
    }

    /// <summary>The hidden anti-forgery field every POST form carries.</summary>
    public static string AntiforgeryField(HttpContext http, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return $"<input type=hidden name='{E(tokens.FormFieldName)}' value='{E(tokens.RequestToken)}'>";
    }

    public static string ScoreClass(double score) => score >= 95 ? "ok" : score >= 85 ? "warn" : "bad";
}
