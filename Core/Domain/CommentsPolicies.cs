namespace VideoPlatform.Core.Domain;

/// <summary>PeerTube's VideoCommentPolicy (6.2+): who may comment under a video.</summary>
public static class CommentsPolicies
{
    public const int Enabled = 1;
    public const int Disabled = 2;
    public const int RequiresApproval = 3;

    public static bool IsValid(int policy) => policy is Enabled or Disabled or RequiresApproval;

    public static string Label(int policy) => policy switch
    {
        Disabled => "Disabled",
        RequiresApproval => "Requires approval",
        _ => "Enabled",
    };

    /// <summary>
    /// The policy a request asks for: <c>commentsPolicy</c> wins; else PeerTube's older <c>commentsEnabled</c> (false →
    /// disabled, true → enabled unless the current policy already allows comments); else the current one.
    /// </summary>
    public static int Resolve(int? policy, bool? enabled, int current) => policy ?? enabled switch
    {
        false => Disabled,
        true => current == Disabled ? Enabled : current,
        null => current,
    };
}
