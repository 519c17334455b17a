using Microsoft.Playwright;

namespace DeskVision.Tests.Fixtures;

/// <summary>
/// Debian's chromium driven by Playwright (no browser download: the executable path is set), headless, one per run.
/// Screenshots of the pages go to <c>artifacts/screenshots/</c> in the checkout, for people to look at.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    private IPlaywright? _playwright;
    public IBrowser Chromium { get; private set; } = null!;

    public static string Screenshots => Path.Combine(TestData.Root, "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Chromium = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(Screenshots);
    }

    public async Task<IPage> NewPageAsync(Uri baseUrl, string locale = "zh-CN")
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl.ToString(), Locale = locale, ViewportSize = new() { Width = 1280, Height = 900 } });
        return await context.NewPageAsync();
    }

    /// <summary>A page signed in through the sign-in form, as a person would.</summary>
    public async Task<IPage> SignedInPageAsync(Uri baseUrl, string user, string password = SignedInClient.Password, string locale = "zh-CN")
    {
        var page = await NewPageAsync(baseUrl, locale);
        await page.GotoAsync("/login");
        await page.FillAsync("input[name=userName]", user);
        await page.FillAsync("input[name=password]", password);
        await page.ClickAsync("form[action='/login'] button"); // not the frame's sign-out button
        await page.WaitForURLAsync(url => !url.Contains("/login"));
        return page;
    }

    public static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Chromium is not null) await Chromium.DisposeAsync();
        _playwright?.Dispose();
    }
}
