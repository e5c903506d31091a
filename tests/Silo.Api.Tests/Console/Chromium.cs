using Microsoft.Playwright;

namespace Silo.Api.Tests.Console;

/// <summary>
/// Real headless Chromium (Debian's <c>/usr/bin/chromium</c>, which scripts/test.sh installs) driven by Playwright,
/// one browser per test class; each test opens its own context, so sessions never mix.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    /// <summary>Where the browser is; <c>SILO_CHROMIUM</c> may name another build.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("SILO_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Screenshots of the pages the tests visited, beside the test binaries.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"No Chromium at {ExecutablePath}: run scripts/test.sh (it installs Debian's chromium) or set SILO_CHROMIUM.");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // Root in a container has no user namespaces for the sandbox; no GPU either.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        Directory.CreateDirectory(ScreenshotDirectory);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>
    /// Saves a screenshot of <paramref name="page"/> as <paramref name="name"/>.png and returns how many different
    /// colours it has, counted by the browser's own PNG decoder: a blank page has one or two.
    /// </summary>
    public async Task<int> ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var png = await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
        var scratch = await page.Context.NewPageAsync();
        try
        {
            return await scratch.EvaluateAsync<int>(
                """
                async src => {
                  const image = new Image();
                  image.src = src;
                  await image.decode();
                  const canvas = document.createElement('canvas');
                  canvas.width = image.width;
                  canvas.height = image.height;
                  const context = canvas.getContext('2d');
                  context.drawImage(image, 0, 0);
                  const data = context.getImageData(0, 0, image.width, image.height).data;
                  const colours = new Set();
                  for (let i = 0; i < data.length; i += 4) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
                  return colours.size;
                }
                """,
                "data:image/png;base64," + Convert.ToBase64String(png));
        }
        finally
        {
            await scratch.CloseAsync();
        }
    }
}
