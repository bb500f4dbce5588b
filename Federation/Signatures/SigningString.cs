using System.Globalization;
using System.Text;

namespace VideoPlatform.Federation.Signatures;

public static class SigningString
{
    /// <summary>
    /// One <c>name: value</c> line per signed header joined by <c>\n</c>. Returns null and names the
    /// header when a listed header is absent from the request.
    /// </summary>
    public static string? Build(
        IReadOnlyList<string> signedHeaders,
        string method,
        string requestTarget,
        Func<string, string?> headerValue,
        long? created,
        long? expires,
        out string? missingHeader)
    {
        missingHeader = null;
        var sb = new StringBuilder();
        foreach (var name in signedHeaders)
        {
            if (sb.Length > 0)
            {
                sb.Append('\n');
            }
            string? value = name switch
            {
                "(request-target)" => method.ToLowerInvariant() + " " + requestTarget,
                "(created)" => created?.ToString(CultureInfo.InvariantCulture),
                "(expires)" => expires?.ToString(CultureInfo.InvariantCulture),
                _ => headerValue(name),
            };
            if (value is null)
            {
                missingHeader = name;
                return null;
            }
            sb.Append(name).Append(": ").Append(value);
        }
        return sb.ToString();
    }
}
