using System.Globalization;
using System.Resources;

namespace DeskVision.Web.Resources;

/// <summary>
/// The one localisation of the pages: the words come from <c>Ui.resx</c> (Simplified Chinese, the default) and
/// <c>Ui.en.resx</c> (English). The language is <c>?lang=en</c> / <c>?lang=zh</c> (remembered in a cookie), else the
/// cookie, else Chinese; <see cref="UseLanguageMiddleware"/> settles it once per request (and sets the thread's culture).
/// Razor components read it as <c>T</c> (see <c>DeskPage</c>); minimal-API handlers take a <c>Text</c> parameter.
/// Clause texts of the standard are never translated: they are shown in the original Chinese.
/// </summary>
public sealed class Text
{
    public const string Cookie = "deskvision-lang";
    public static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");
    private static readonly ResourceManager Strings = new("DeskVision.Web.Resources.Ui", typeof(Text).Assembly);
    private static readonly object ItemKey = new();

    public CultureInfo Culture { get; }
    public bool IsEnglish => Culture.Name == English.Name;
    /// <summary>"zh" or "en", for links and forms that keep the language.</summary>
    public string Code => IsEnglish ? "en" : "zh";
    /// <summary>The page's <c>&lt;html lang&gt;</c>.</summary>
    public string HtmlLang => IsEnglish ? "en" : "zh-CN";

    public Text(CultureInfo culture) => Culture = culture;

    public static Text In(string? code) => new(code is "en" ? English : Chinese);

    /// <summary>The string for <paramref name="key"/>; a missing key shows as itself, so it is seen and fixed.</summary>
    public string this[string key] => Strings.GetString(key, Culture) ?? key;

    public string F(string key, params object?[] args) => string.Format(Culture, this[key], args);

    /// <summary>A clause's title in the reader's language (the standard has both).</summary>
    public string Title(string zh, string en) => IsEnglish && !string.IsNullOrWhiteSpace(en) ? en : zh;

    /// <summary>The other language's switch link for the current page (keeps the path and the other query values).</summary>
    public string SwitchLink(HttpRequest request)
    {
        var query = request.Query.Where(q => q.Key != "lang").Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}")
            .Append($"lang={(IsEnglish ? "zh" : "en")}");
        return $"{request.PathBase}{request.Path}?{string.Join('&', query)}";
    }

    /// <summary>The request's language, settled by <see cref="UseLanguageMiddleware"/> (or worked out now where that did not run).</summary>
    public static Text From(HttpContext context)
    {
        if (context.Items[ItemKey] is Text settled) return settled;
        string? asked = context.Request.Query["lang"];
        var text = In(asked is "en" or "zh" ? asked : context.Request.Cookies[Cookie]);
        if (asked is "en" or "zh" && !context.Response.HasStarted)
            context.Response.Cookies.Append(Cookie, asked, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, MaxAge = TimeSpan.FromDays(365), Path = "/",
            });
        context.Items[ItemKey] = text;
        return text;
    }

    /// <summary>Settles the language at the start of each request: the cookie is set before anything is written, and
    /// the culture (numbers, dates in components) follows the language.</summary>
    public static async Task UseLanguageMiddleware(HttpContext context, RequestDelegate next)
    {
        var text = From(context);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = text.Culture;
        await next(context);
    }

    /// <summary>Lets minimal-API handlers take a <c>Text</c> parameter.</summary>
    public static ValueTask<Text?> BindAsync(HttpContext context) => ValueTask.FromResult<Text?>(From(context));
}
