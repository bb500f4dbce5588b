using System.Net;
using System.Text.RegularExpressions;

namespace VideoPlatform.IntegrationTests.Infrastructure;

/// <summary>
/// A browser-like HTTP client for the directory sign-in (cookies, redirects followed by hand) that a test can interfere
/// with where a browser cannot: the answer coming back to our callback, or the cookies before it. Speaks the test
/// provider's login form (tools/oidc-provider).
/// </summary>
public sealed partial class DirectoryHttpClient(string instanceUrl) : IDisposable
{
    private readonly CookieContainer _cookies = new();
    private HttpClient? _http;

    private HttpClient Http => _http ??= new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = _cookies, UseCookies = true })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    /// <summary>
    /// Starts at our <c>/login/oidc/academie</c>, signs in at the provider as <paramref name="login"/>, and returns our
    /// answer to the callback (its redirect says how it went); <paramref name="callback"/> may rewrite the callback URL first.
    /// </summary>
    public async Task<HttpResponseMessage> SignInAsync(string login, Func<string, string>? callback = null, string provider = "academie")
    {
        var url = await FollowUntilAsync($"{instanceUrl}/login/oidc/{provider}", login, u => u.StartsWith($"{instanceUrl}/signin-oidc/", StringComparison.Ordinal));
        return await Http.GetAsync(callback is null ? url : callback(url));
    }

    /// <summary>Runs an authorization request of another client up to its redirect URI, which is returned (not fetched).</summary>
    public Task<string> AuthorizeElsewhereAsync(string login, string authorizeUrl, string redirectUri) =>
        FollowUntilAsync(authorizeUrl, login, u => u.StartsWith(redirectUri, StringComparison.Ordinal));

    /// <summary>Expires the cookies sent to <paramref name="url"/> whose name contains <paramref name="nameContains"/>; returns how many.</summary>
    public int DropCookies(string url, string nameContains)
    {
        var dropped = 0;
        foreach (Cookie cookie in _cookies.GetCookies(new Uri(url)))
        {
            if (cookie.Name.Contains(nameContains, StringComparison.Ordinal))
            {
                cookie.Expired = true;
                dropped++;
            }
        }
        return dropped;
    }

    private async Task<string> FollowUntilAsync(string start, string login, Func<string, bool> stop)
    {
        var url = start;
        for (var hops = 0; hops < 20; hops++)
        {
            if (stop(url))
            {
                return url;
            }
            using var response = await Http.GetAsync(url);
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                url = new Uri(new Uri(url), response.Headers.Location!).ToString();
                continue;
            }
            var html = await response.Content.ReadAsStringAsync();
            var action = FormAction().Match(html);
            if (!response.IsSuccessStatusCode || !action.Success || !html.Contains("name=\"login\"", StringComparison.Ordinal))
            {
                Assert.Fail($"Unexpected answer {(int)response.StatusCode} at {url}: {html[..Math.Min(html.Length, 500)]}");
            }
            using var submitted = await Http.PostAsync(new Uri(new Uri(url), WebUtility.HtmlDecode(action.Groups[1].Value)), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["prompt"] = "login",
                ["login"] = login,
                ["password"] = "any password",
            }));
            Assert.That((int)submitted.StatusCode, Is.InRange(300, 399), () => "login form refused: " + submitted.Content.ReadAsStringAsync().GetAwaiter().GetResult());
            url = new Uri(new Uri(url), submitted.Headers.Location!).ToString();
        }
        Assert.Fail("Too many redirects from " + start);
        return url;
    }

    public void Dispose() => _http?.Dispose();
}
