using System.Globalization;
using System.Resources;

namespace DeskVision.Web.Resources;

/// <summary>
/// The words of the manager and staff pages, from <c>Ui.resx</c> (Simplified Chinese, the default) and <c>Ui.en.resx</c>
/// (English). The language is <c>?lang=en</c> / <c>?lang=zh</c> (remembered in a cookie), else the cookie, else Chinese.
/// Clause texts of the standard are never translated: they are shown in the original Chinese.
/// Handlers take a <c>Text</c> parameter; it binds from the request.
/// </summary>
public sealed class Text
{
    public const string Cookie = "deskvision-lang";
    public static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");
    private static readonly ResourceManager Strings = new("DeskVision.Web.Resources.Ui", typeof(Text).Assembly);

    public CultureInfo Culture { get; }
    public bool IsEnglish => Culture.Name == English.Name;
    /// <summary>"zh" or "en", for links and forms that keep the language.</summary>
    public string Code => IsEnglish ? "en" : "zh";

    public Text(CultureInfo culture) => Culture = culture;

    public static Text In(string? code) => new(code is "en" ? English : Chinese);

    /// <summary>The string for <paramref name="key"/>; a missing key shows as itself, so it is seen and fixed.</summary>
    public string this[string key] => Strings.GetString(key, Culture) ?? key;

    public string F(string key, params object?[] args) => string.Format(Culture, this[key], args);

    /// <summary>The other language's switch link for the current page (keeps the path and the other query values).</summary>
    public string SwitchLink(HttpRequest request)
    {
        var query = request.Query.Where(q => q.Key != "lang").Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}")
            .Append($"lang={(IsEnglish ? "zh" : "en")}");
        return $"{request.Path}?{string.Join('&', query)}";
    }

    public static Text From(HttpContext context)
    {
        string? asked = context.Request.Query["lang"];
        if (asked is "en" or "zh")
        {
            context.Response.Cookies.Append(Cookie, asked, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, MaxAge = TimeSpan.FromDays(365), Path = "/",
            });
            return In(asked);
        }
        return In(context.Request.Cookies[Cookie]);
    }

    /// <summary>Lets minimal-API handlers take a <c>Text</c> parameter.</summary>
    public static ValueTask<Text?> BindAsync(HttpContext context) => ValueTask.FromResult<Text?>(From(context));
}
