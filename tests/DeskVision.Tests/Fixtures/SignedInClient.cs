using System.Net;
using System.Text.RegularExpressions;
using DeskVision.Store;
using DeskVision.Web.Accounts;
using Microsoft.AspNetCore.Identity;

namespace DeskVision.Tests.Fixtures;

/// <summary>Accounts for tests, and HTTP clients signed in through the real /login form (anti-forgery token and cookie).</summary>
public static partial class SignedInClient
{
    public const string Password = "test-password-1";

    /// <summary>Creates an account (if missing) straight in the database.</summary>
    public static async Task CreateAccountAsync(string connectionString, string user, string role, int? staffId = null, params int[] siteIds)
    {
        await using var db = new DeskVisionDb(DeskVisionDb.Options(connectionString));
        await Accounts.EnsureAsync(db, new PasswordHasher<UserAccount>(), user, user, role, Password, staffId, siteIds, default);
    }

    public static async Task<HttpClient> SignInAsync(Uri baseUrl, string user, string password = Password)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = baseUrl };
        var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = FormToken(await client.GetStringAsync("/login")), ["userName"] = user, ["password"] = password,
        }));
        if (!response.IsSuccessStatusCode || response.RequestMessage?.RequestUri?.AbsolutePath == "/login")
            throw new InvalidOperationException($"sign-in as {user} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    /// <summary>Posts a form as the browser does from <paramref name="page"/>: with that page's anti-forgery token.</summary>
    public static async Task<HttpResponseMessage> SubmitFormAsync(this HttpClient http, string page, string action, params (string Name, string Value)[] fields)
    {
        string token = FormToken(await http.GetStringAsync(page));
        return await http.PostAsync(action, new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))
            .Append(KeyValuePair.Create("__RequestVerificationToken", token))));
    }

    /// <summary>The anti-forgery token of the first form on a page, as a browser would send it back.</summary>
    public static string FormToken(string html) => WebUtility.HtmlDecode(Token().Match(html).Groups[3].Value);

    // Both the endpoint pages' field (single quotes) and the components' <AntiforgeryToken /> (double quotes).
    [GeneratedRegex("""name=(['"])__RequestVerificationToken\1 value=(['"])([^'"]+)\2""")]
    private static partial Regex Token();
}
