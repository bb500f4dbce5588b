using System.Text.Json.Serialization;

namespace VideoPlatform.Federation.WebFinger;

public sealed record WebFingerLink(
    string Rel,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Type = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Href = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Template = null);

/// <summary>A JRD (RFC 7033) document.</summary>
public sealed record WebFingerDocument(string Subject, IReadOnlyList<string> Aliases, IReadOnlyList<WebFingerLink> Links)
{
    public const string ContentType = "application/jrd+json";
}

/// <summary>A parsed <c>resource</c>: a local name and the host it claims.</summary>
public sealed record WebFingerResource(string Name, string Host)
{
    /// <summary>
    /// Accepts <c>acct:name@host</c>, <c>name@host</c>, and https actor URLs of PeerTube's layout
    /// (<c>/accounts/{name}</c>, <c>/video-channels/{name}</c>, <c>/a/{name}</c>, <c>/c/{name}</c>).
    /// </summary>
    public static bool TryParse(string? resource, out WebFingerResource? parsed)
    {
        parsed = null;
        if (string.IsNullOrWhiteSpace(resource))
        {
            return false;
        }
        resource = resource.Trim();
        if (resource.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || resource.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(resource, UriKind.Absolute, out var uri))
            {
                return false;
            }
            var segments = uri.AbsolutePath.Trim('/').Split('/');
            if (segments.Length != 2 || segments[0] is not ("accounts" or "video-channels" or "a" or "c" or "account") || !IsName(segments[1]))
            {
                return false;
            }
            parsed = new WebFingerResource(Uri.UnescapeDataString(segments[1]), uri.IsDefaultPort ? uri.Host : uri.Authority);
            return true;
        }
        if (resource.StartsWith("acct:", StringComparison.OrdinalIgnoreCase))
        {
            resource = resource[5..];
        }
        else if (resource.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        resource = resource.TrimStart('@');
        var at = resource.LastIndexOf('@');
        if (at <= 0 || at == resource.Length - 1)
        {
            return false;
        }
        var name = resource[..at];
        var host = resource[(at + 1)..];
        if (!IsName(name) || Uri.CheckHostName(host.Split(':')[0]) == UriHostNameType.Unknown)
        {
            return false;
        }
        parsed = new WebFingerResource(name, host);
        return true;
    }

    /// <summary>PeerTube's actor name rule: <c>[A-Za-z0-9\-_.:]+</c>.</summary>
    public static bool IsName(string name) =>
        name.Length is > 0 and <= 100 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':');

    /// <summary>Whether the resource names this instance (host compared with its port, case-insensitively).</summary>
    public bool IsLocal(Uri publicBaseUrl) =>
        string.Equals(Host, publicBaseUrl.IsDefaultPort ? publicBaseUrl.Host : publicBaseUrl.Authority, StringComparison.OrdinalIgnoreCase);
}

public static class WebFingerBuilder
{
    /// <summary>As PeerTube answers: the queried subject, the actor URL as alias, a <c>self</c> link, a profile page and the remote-interaction template.</summary>
    public static WebFingerDocument Build(string subject, string actorUrl, Uri publicBaseUrl, string? profilePageUrl = null)
    {
        var baseUrl = publicBaseUrl.GetLeftPart(UriPartial.Authority);
        return new WebFingerDocument(
            subject,
            [actorUrl],
            [
                new WebFingerLink("self", "application/activity+json", actorUrl),
                new WebFingerLink("http://webfinger.net/rel/profile-page", "text/html", profilePageUrl ?? actorUrl),
                new WebFingerLink("http://ostatus.org/schema/1.0/subscribe", Template: baseUrl + "/remote-interaction?uri={uri}"),
            ]);
    }

    /// <summary><c>/.well-known/host-meta</c>: Mastodon's WebFinger fallback.</summary>
    public static string HostMeta(Uri publicBaseUrl)
    {
        var template = System.Security.SecurityElement.Escape(publicBaseUrl.GetLeftPart(UriPartial.Authority) + "/.well-known/webfinger?resource={uri}");
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n"
            + $"  <Link rel=\"lrdd\" type=\"application/xrd+xml\" template=\"{template}\"/>\n"
            + "</XRD>\n";
    }
}
