using System.Text;

namespace VideoPlatform.Federation.Signatures;

/// <summary>The parameters of a draft-cavage <c>Signature</c> header.</summary>
public sealed record SignatureHeader(
    string KeyId,
    string? Algorithm,
    IReadOnlyList<string> Headers,
    byte[] Signature,
    long? Created,
    long? Expires)
{
    /// <summary>
    /// Parses <c>keyId="…",algorithm="…",headers="…",signature="…"</c> with tolerant whitespace, unquoted
    /// numeric values for <c>created</c>/<c>expires</c>, and an old leading <c>Signature </c> scheme prefix.
    /// </summary>
    public static bool TryParse(string? value, out SignatureHeader? header, out string error)
    {
        header = null;
        error = "";
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "empty Signature header";
            return false;
        }
        var text = value.AsSpan().Trim();
        if (text.StartsWith("Signature ", StringComparison.OrdinalIgnoreCase))
        {
            text = text["Signature ".Length..].TrimStart();
        }

        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && (text[i] == ',' || char.IsWhiteSpace(text[i])))
            {
                i++;
            }
            if (i >= text.Length)
            {
                break;
            }
            var nameStart = i;
            while (i < text.Length && text[i] != '=' && text[i] != ',' && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            var name = text[nameStart..i].ToString();
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            if (name.Length == 0 || i >= text.Length || text[i] != '=')
            {
                error = $"parameter '{name}' has no value";
                return false;
            }
            i++;
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            string parsed;
            if (i < text.Length && text[i] == '"')
            {
                i++;
                var sb = new StringBuilder();
                var closed = false;
                while (i < text.Length)
                {
                    var c = text[i++];
                    if (c == '\\' && i < text.Length)
                    {
                        sb.Append(text[i++]);
                    }
                    else if (c == '"')
                    {
                        closed = true;
                        break;
                    }
                    else
                    {
                        sb.Append(c);
                    }
                }
                if (!closed)
                {
                    error = $"unterminated quoted value for '{name}'";
                    return false;
                }
                parsed = sb.ToString();
            }
            else
            {
                var valueStart = i;
                while (i < text.Length && text[i] != ',')
                {
                    i++;
                }
                parsed = text[valueStart..i].Trim().ToString();
            }
            if (!parameters.TryAdd(name, parsed))
            {
                error = $"duplicate parameter '{name}'";
                return false;
            }
        }

        if (!parameters.TryGetValue("keyId", out var keyId) || keyId.Length == 0)
        {
            error = "keyId missing";
            return false;
        }
        if (!parameters.TryGetValue("signature", out var signatureText) || signatureText.Length == 0)
        {
            error = "signature missing";
            return false;
        }
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(signatureText);
        }
        catch (FormatException)
        {
            error = "signature is not base64";
            return false;
        }
        parameters.TryGetValue("algorithm", out var algorithm);
        long? created = null, expires = null;
        if (parameters.TryGetValue("created", out var createdText))
        {
            if (!long.TryParse(createdText, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var c))
            {
                error = "created is not an integer";
                return false;
            }
            created = c;
        }
        if (parameters.TryGetValue("expires", out var expiresText))
        {
            if (!long.TryParse(expiresText, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var e))
            {
                error = "expires is not an integer";
                return false;
            }
            expires = e;
        }
        // draft-cavage: without a headers parameter only Date is signed (Mastodon: (created) for hs2019).
        string[] headers = parameters.TryGetValue("headers", out var headerList)
            ? headerList.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : [string.Equals(algorithm, "hs2019", StringComparison.OrdinalIgnoreCase) ? "(created)" : "date"];
        header = new SignatureHeader(keyId, algorithm, headers, signature, created, expires);
        return true;
    }

    public string Format() =>
        $"keyId=\"{KeyId}\",algorithm=\"{Algorithm ?? "rsa-sha256"}\",headers=\"{string.Join(' ', Headers)}\",signature=\"{Convert.ToBase64String(Signature)}\"";
}
