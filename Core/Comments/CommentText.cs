namespace VideoPlatform.Core.Comments;

/// <summary>PeerTube's rule for a comment's text (1 to 10,000 characters, not blank), with line endings normalised.</summary>
public static class CommentText
{
    public const int MaxLength = 10000;

    /// <summary>The text to store, or the refusal in the API's words.</summary>
    public static (string? Text, string? Error) Normalize(string? text)
    {
        if (text is null || string.IsNullOrWhiteSpace(text))
        {
            return (null, "text is required and must not be blank.");
        }
        var normalized = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Trim();
        if (normalized.Length > MaxLength)
        {
            return (null, $"text must be at most {MaxLength} characters long.");
        }
        if (normalized.Any(c => char.IsControl(c) && c is not ('\n' or '\t')))
        {
            return (null, "text must not contain control characters.");
        }
        return (normalized, null);
    }
}
