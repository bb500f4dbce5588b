using System.Net;
using System.Text.RegularExpressions;

namespace VideoPlatform.IntegrationTests.Api;

/// <summary>
/// A browser's form posts without a browser: cookies kept by hand (the instance may mark them Secure while the test
/// talks plain HTTP to it as a TLS proxy would) and the antiforgery token read from the page.
/// </summary>
internal sealed partial class WebForms(HttpClient http, string? forwardedFor = null, bool forwardedHttps = false)
{
    public Dictionary<string, string> Cookies { get; } = new(StringComparer.Ordinal);

    /// <summary>Every Set-Cookie header of the last response, as sent.</summary>
    public List<string> LastSetCookies { get; } = [];

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }
        if (forwardedHttps)
        {
            request.Headers.Add("X-Forwarded-Proto", "https");
        }
        if (Cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", Cookies.Select(c => $"{c.Key}={c.Value}")));
        }
        configure?.Invoke(request);
        var response = await http.SendAsync(request);
        LastSetCookies.Clear();
        if (response.Headers.TryGetValues("Set-Cookie", out var values))
        {
            foreach (var value in values)
            {
                LastSetCookies.Add(value);
                var pair = value.Split(';')[0];
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                Cookies[pair[..eq]] = pair[(eq + 1)..];
            }
        }
        return response;
    }

    /// <summary>GETs the form page, then posts <paramref name="fields"/> with its antiforgery token (to <paramref name="action"/>, else the page).</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> fields, string? action = null)
    {
        using var page = await SendAsync(HttpMethod.Get, path);
        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
        var match = TokenPattern().Match(await page.Content.ReadAsStringAsync());
        Assert.That(match.Success, Is.True, "antiforgery token in " + path);
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(match.Groups[1].Value);
        return await SendAsync(HttpMethod.Post, action ?? path, new FormUrlEncodedContent(fields));
    }

    public Task<HttpResponseMessage> LoginAsync(string username, string password) =>
        PostFormAsync("/login", new() { ["username"] = username, ["password"] = password });

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
