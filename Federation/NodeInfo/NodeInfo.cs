using System.Text.Json.Serialization;

namespace VideoPlatform.Federation.NodeInfo;

public sealed record NodeInfoLink(string Rel, string Href);

public sealed record NodeInfoDiscovery(IReadOnlyList<NodeInfoLink> Links);

public sealed record NodeInfoSoftware(
    string Name,
    string Version,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Repository = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Homepage = null);

public sealed record NodeInfoUsers(long Total, long ActiveMonth, long ActiveHalfyear);

public sealed record NodeInfoUsage(NodeInfoUsers Users, long LocalPosts, long LocalComments);

public sealed record NodeInfoServices(IReadOnlyList<string> Inbound, IReadOnlyList<string> Outbound);

public sealed record NodeInfoMetadata(string NodeName, string? NodeDescription, NodeInfoTaxonomy Taxonomy);

public sealed record NodeInfoTaxonomy(string PostsName);

public sealed record NodeInfoDocument(
    string Version,
    NodeInfoSoftware Software,
    IReadOnlyList<string> Protocols,
    NodeInfoServices Services,
    bool OpenRegistrations,
    NodeInfoUsage Usage,
    NodeInfoMetadata Metadata);

/// <summary>Statistics a NodeInfo document reports; the host fills them from the database.</summary>
public sealed record NodeStatistics(long TotalUsers, long ActiveUsersMonth, long ActiveUsersHalfyear, long LocalVideos, long LocalComments);

public static class NodeInfoBuilder
{
    public const string SoftwareName = "videoplatform";
    public const string Schema20 = "http://nodeinfo.diaspora.software/ns/schema/2.0";
    public const string Schema21 = "http://nodeinfo.diaspora.software/ns/schema/2.1";

    /// <summary>FEP-2677: lets PeerTube admins follow us "by host" through the instance actor.</summary>
    public const string ApplicationActorRel = "https://www.w3.org/ns/activitystreams#Application";

    public static string ContentType(string version) =>
        $"application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/{version}#\"";

    public static NodeInfoDiscovery Discovery(Uri publicBaseUrl)
    {
        var baseUrl = publicBaseUrl.GetLeftPart(UriPartial.Authority);
        return new NodeInfoDiscovery(
        [
            new NodeInfoLink(Schema20, baseUrl + "/nodeinfo/2.0.json"),
            new NodeInfoLink(Schema21, baseUrl + "/nodeinfo/2.1.json"),
            new NodeInfoLink(ApplicationActorRel, baseUrl + "/accounts/peertube"),
        ]);
    }

    /// <summary>The 2.0 or 2.1 document; 2.1 adds <c>software.repository</c> and <c>homepage</c>. Unknown versions give null (serve 404).</summary>
    public static NodeInfoDocument? Build(string version, string softwareVersion, string nodeName, string? nodeDescription, bool openRegistrations, NodeStatistics stats, string? repository = null, string? homepage = null)
    {
        var software = version switch
        {
            "2.0" => new NodeInfoSoftware(SoftwareName, softwareVersion),
            "2.1" => new NodeInfoSoftware(SoftwareName, softwareVersion, repository, homepage),
            _ => null,
        };
        if (software is null)
        {
            return null;
        }
        return new NodeInfoDocument(
            version,
            software,
            ["activitypub"],
            new NodeInfoServices([], ["atom1.0", "rss2.0"]),
            openRegistrations,
            new NodeInfoUsage(new NodeInfoUsers(stats.TotalUsers, stats.ActiveUsersMonth, stats.ActiveUsersHalfyear), stats.LocalVideos, stats.LocalComments),
            new NodeInfoMetadata(nodeName, nodeDescription, new NodeInfoTaxonomy("Videos")));
    }
}
