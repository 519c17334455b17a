using System.Net;
using DeskVision.Store;
using DeskVision.Tests.Fixtures;
using Microsoft.EntityFrameworkCore;

namespace DeskVision.Tests.Api;

[Collection(RunningAppCollection.Name)]
public sealed class SignInTests(RunningApp app)
{
    [Fact]
    public async Task Account_is_locked_after_five_wrong_passwords_even_for_the_right_one()
    {
        string user = $"lock-{Guid.NewGuid():N}"[..12];
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, user, Roles.Manager);
        for (int i = 0; i < 5; i++)
            await Assert.ThrowsAsync<InvalidOperationException>(() => SignedInClient.SignInAsync(app.BaseUrl, user, "wrong-password"));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SignedInClient.SignInAsync(app.BaseUrl, user));
        Assert.Contains("locked", e.Message);
    }

    [Fact]
    public async Task Passwords_are_stored_as_salted_hashes()
    {
        string a = $"hash-a-{Guid.NewGuid():N}"[..14], b = $"hash-b-{Guid.NewGuid():N}"[..14];
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, a, Roles.Manager);
        await SignedInClient.CreateAccountAsync(app.Database.ConnectionString, b, Roles.Manager);
        await using var db = app.Database.NewContext();
        var hashes = await db.Users.Where(u => u.UserName == a || u.UserName == b).Select(u => u.PasswordHash).ToListAsync();
        Assert.All(hashes, h => Assert.DoesNotContain(SignedInClient.Password, h));
        Assert.NotEqual(hashes[0], hashes[1]); // same password, different salt
        using var signedIn = await SignedInClient.SignInAsync(app.BaseUrl, a);
    }

    [Fact]
    public async Task Sign_in_cookie_is_http_only_and_strict()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseUrl };
        var page = await client.GetAsync("/login");
        string antiforgeryCookie = page.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("deskvision-af", StringComparison.Ordinal));
        var post = new HttpRequestMessage(HttpMethod.Post, "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = SignedInClient.FormToken(await page.Content.ReadAsStringAsync()), ["userName"] = "admin", ["password"] = SignedInClient.Password,
            }),
        };
        post.Headers.Add("Cookie", antiforgeryCookie.Split(';')[0]);
        var response = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        string cookie = response.Headers.GetValues("Set-Cookie").First(c => c.StartsWith("deskvision=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", cookie);
        Assert.Contains("samesite=strict", cookie);
    }
}
