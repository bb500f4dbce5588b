namespace VideoPlatform.Api.Hosting;

/// <summary>PeerTube's <c>start</c>/<c>count</c> paging: count defaults to 15 and is capped at 100.</summary>
public static class Paging
{
    public const int MaxCount = 100;

    public static string? Validate(int? start, int? count)
    {
        if (start is < 0)
        {
            return "start must be a positive integer.";
        }
        if (count is < 0 or > MaxCount)
        {
            return $"count must be between 0 and {MaxCount}.";
        }
        return null;
    }
}
