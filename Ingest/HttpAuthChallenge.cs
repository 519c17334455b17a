using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace DeskVision.Ingest;

/// <summary>
/// One <c>WWW-Authenticate</c> challenge and the <c>Authorization</c> answer to it: Basic, or Digest (RFC 7616,
/// MD5 or SHA-256, qop=auth or the RFC 2069 form without qop). Written out rather than left to HttpClient because
/// HttpClient only does Digest through handler credentials, and the caller owns the handler.
/// </summary>
internal sealed record HttpAuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsDigest => Scheme.Equals("Digest", StringComparison.OrdinalIgnoreCase);

    /// <summary>The server says the nonce expired (not that the password is wrong): answer again with the new one.</summary>
    public bool IsStale => Parameters.TryGetValue("stale", out var s) && s.Equals("true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The best challenge this code can answer (Digest SHA-256, Digest MD5, then Basic), or null.</summary>
    public static HttpAuthChallenge? Choose(IEnumerable<AuthenticationHeaderValue> headers)
    {
        var offered = headers.Select(h => new HttpAuthChallenge(h.Scheme, ParseParameters(h.Parameter))).ToList();
        return offered.Where(c => c.IsDigest && c.CanAnswerDigest()).OrderByDescending(c => c.Algorithm.StartsWith("SHA-256", StringComparison.OrdinalIgnoreCase)).FirstOrDefault()
            ?? offered.FirstOrDefault(c => c.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase));
    }

    public AuthenticationHeaderValue Answer(string user, string password, HttpMethod method, Uri uri)
    {
        if (!IsDigest) return new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

        string realm = Parameters.GetValueOrDefault("realm", ""), nonce = Parameters.GetValueOrDefault("nonce", "");
        string target = uri.PathAndQuery, cnonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), nc = "00000001";
        bool auth = Qops().Contains("auth");
        string ha1 = Hash($"{user}:{realm}:{password}");
        if (Algorithm.EndsWith("-sess", StringComparison.OrdinalIgnoreCase)) ha1 = Hash($"{ha1}:{nonce}:{cnonce}");
        string ha2 = Hash($"{method.Method}:{target}");
        string response = auth ? Hash($"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}") : Hash($"{ha1}:{nonce}:{ha2}");

        var answer = new StringBuilder()
            .Append($"username={Quote(user)}, realm={Quote(realm)}, nonce={Quote(nonce)}, uri={Quote(target)}, ")
            .Append($"algorithm={Algorithm}, response=\"{response}\"");
        if (auth) answer.Append($", qop=auth, nc={nc}, cnonce=\"{cnonce}\"");
        if (Parameters.TryGetValue("opaque", out var opaque)) answer.Append($", opaque={Quote(opaque)}");
        return new("Digest", answer.ToString());
    }

    private string Algorithm => Parameters.GetValueOrDefault("algorithm", "MD5");

    private bool CanAnswerDigest()
    {
        string baseAlgorithm = Algorithm.Replace("-sess", "", StringComparison.OrdinalIgnoreCase);
        bool knownHash = baseAlgorithm.Equals("MD5", StringComparison.OrdinalIgnoreCase) || baseAlgorithm.Equals("SHA-256", StringComparison.OrdinalIgnoreCase);
        // qop=auth-int alone would need a hash of the body; cameras offer auth.
        return knownHash && Parameters.ContainsKey("nonce") && (!Parameters.ContainsKey("qop") || Qops().Contains("auth"));
    }

    private string[] Qops() =>
        Parameters.GetValueOrDefault("qop", "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private string Hash(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        return Convert.ToHexStringLower(Algorithm.StartsWith("SHA-256", StringComparison.OrdinalIgnoreCase) ? SHA256.HashData(bytes) : MD5.HashData(bytes));
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>Parses <c>key=value, key="quoted, value"</c> auth parameters.</summary>
    internal static Dictionary<string, string> ParseParameters(string? text)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (text is null) return result;
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i]))) i++;
            int keyStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ',') i++;
            string key = text[keyStart..i].Trim();
            if (i >= text.Length || text[i] != '=') continue;
            i++;
            while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
            var value = new StringBuilder();
            if (i < text.Length && text[i] == '"')
            {
                for (i++; i < text.Length && text[i] != '"'; i++)
                    value.Append(text[i] == '\\' && i + 1 < text.Length ? text[++i] : text[i]);
                i++;
            }
            else
            {
                while (i < text.Length && text[i] != ',') value.Append(text[i++]);
            }
            if (key.Length > 0) result[key] = value.ToString().Trim();
        }
        return result;
    }
}
