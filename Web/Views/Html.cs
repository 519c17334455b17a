using System.Text.Encodings.Web;

namespace DeskVision.Web.Views;

/// <summary>The page frame; every asset is inline, nothing from a CDN (halls often have no internet).</summary>
public static class Html
{
    // The default encoder escapes every non-ASCII character; Chinese text should stay readable in the page source.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    public static string E(object? value) => Encoder.Encode(value?.ToString() ?? "");

    public static IResult Page(string title, string body) => Results.Content($$"""
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
        </style></head><body><header><a href="/">DeskVision</a> · 窗口6S服务规范 巡检
        <nav style="display:inline;margin-left:1.5rem;font-size:.9em"><a href="/">大厅 Hall</a> · <a href="/heatmaps">热力图 Heatmaps</a> · <a href="/trends">趋势 Trends</a> · <a href="/cameras">摄像头 Cameras</a> ·
        <a href="/reports/monthly">月报 Monthly</a> · <a href="/reports/daily">日清日结 Daily</a> · <a href="/appeals">申诉 Appeals</a> · <a href="/staff">人员 Staff</a> · <a href="/me">我的 My desk</a>
        <form method="post" action="/logout" style="display:inline;margin-left:1rem"><button style="font-size:.8em">退出 Sign out</button></form></nav></header><main>{{body}}</main></body></html>
        """, "text/html; charset=utf-8");

    /// <summary>The hidden anti-forgery field every POST form carries.</summary>
    public static string AntiforgeryField(HttpContext http, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        return $"<input type=hidden name='{E(tokens.FormFieldName)}' value='{E(tokens.RequestToken)}'>";
    }

    public static string ScoreClass(double score) => score >= 95 ? "ok" : score >= 85 ? "warn" : "bad";
}
