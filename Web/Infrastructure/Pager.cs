namespace VideoPlatform.Web.Infrastructure;

/// <summary>Previous/next links for a list; plain links, so paging works without JavaScript.</summary>
public sealed record Pager(int Page, long Total, Func<int, string> Link)
{
    public const int PageSize = 24;

    public static readonly Pager None = new(1, 0, _ => "");

    public bool HasPrevious => Page > 1;
    public bool HasNext => (long)Page * PageSize < Total;
}
