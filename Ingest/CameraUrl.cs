using System.Text.RegularExpressions;

namespace DeskVision.Ingest;

/// <summary>
/// Camera URLs carry passwords (<c>rtsp://user:pass@host/…</c>, <c>?usr=…&amp;pwd=…</c>); what is logged or stored
/// must not. Everything that leaves a camera class goes through <see cref="Redact"/> or <see cref="Scrub"/>.
/// </summary>
public static partial class CameraUrl
{
    /// <summary>Query keys that cheap cameras use for credentials (Foscam <c>usr/pwd</c>, others <c>user/password</c>).</summary>
    private static readonly HashSet<string> SecretKeys = new(StringComparer.OrdinalIgnoreCase)
        { "user", "usr", "username", "pwd", "pass", "passwd", "password", "token", "auth" };

    /// <summary>The URL without user name, password or credential query values, fit for logs and <see cref="Snapshot.Source"/>.</summary>
    public static string Redact(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            return UserInfo().Replace(url, "//");
        string query = uri.Query.Length <= 1 ? "" : "?" + string.Join('&', uri.Query[1..].Split('&').Select(RedactPair));
        return $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}{query}";
    }

    private static string RedactPair(string pair)
    {
        int eq = pair.IndexOf('=');
        return eq > 0 && SecretKeys.Contains(Uri.UnescapeDataString(pair[..eq])) ? pair[..(eq + 1)] + "***" : pair;
    }

    /// <summary>The user name and password written into the URL, decoded; nulls when there are none.</summary>
    internal static (string? User, string? Password) Credentials(Uri uri)
    {
        if (string.IsNullOrEmpty(uri.UserInfo)) return (null, null);
        int colon = uri.UserInfo.IndexOf(':');
        return colon < 0
            ? (Uri.UnescapeDataString(uri.UserInfo), null)
            : (Uri.UnescapeDataString(uri.UserInfo[..colon]), Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]));
    }

    /// <summary>The URL with the given credentials written in, percent-encoded (for tools such as ffmpeg that take them so).</summary>
    internal static string WithCredentials(Uri uri, string user, string? password)
    {
        string info = Uri.EscapeDataString(user) + (password is null ? "" : ":" + Uri.EscapeDataString(password));
        return $"{uri.Scheme}://{info}@{uri.Authority}{uri.PathAndQuery}";
    }

    /// <summary>
    /// Removes secrets from free text such as a tool's error line: any URL user info, and each secret as written
    /// or percent-encoded. Secrets shorter than 3 characters are left, since replacing them would garble the text.
    /// </summary>
    internal static string Scrub(string text, params string?[] secrets)
    {
        text = UserInfo().Replace(text, "//");
        foreach (string? secret in secrets)
        {
            if (secret is null || secret.Length < 3) continue;
            text = text.Replace(secret, "***", StringComparison.Ordinal).Replace(Uri.EscapeDataString(secret), "***", StringComparison.OrdinalIgnoreCase);
        }
        return text;
    }

    [GeneratedRegex(@"//[^/\s@]*@")]
    private static partial Regex UserInfo();
}
