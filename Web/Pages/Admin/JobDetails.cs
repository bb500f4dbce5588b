using System.Globalization;
using System.Text.Json;

namespace VideoPlatform.Web.Pages.Admin;

/// <summary>
/// A job's details (JSON stored by the job) in words for the jobs page: the transcode job's report (content found, rate
/// control chosen, size and SSIM per rendition, time of each step) line by line; any other details as their JSON.
/// </summary>
public sealed record JobDetails(IReadOnlyList<string> Lines, string? Json)
{
    public static JobDetails? From(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
                && root.TryGetProperty("renditions", out var renditions) && renditions.ValueKind == JsonValueKind.Array)
            {
                return new JobDetails(TranscodeLines(root, content.GetString()!, renditions), null);
            }
        }
        catch (JsonException)
        {
        }
        catch (InvalidOperationException)
        {
        }
        catch (FormatException)
        {
        }
        catch (KeyNotFoundException)
        {
        }

        return new JobDetails([], json);
    }

    private static List<string> TranscodeLines(JsonElement root, string content, JsonElement renditions)
    {
        var kind = content is "screen" or "normal" or "motion" ? Text.L("JobDetails_Content_" + content) : content;
        var tune = root.TryGetProperty("tune", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var lines = new List<string>
        {
            Text.L("JobDetails_Content", kind, tune ?? Text.L("JobDetails_NoTune")),
        };
        foreach (var r in renditions.EnumerateArray())
        {
            lines.Add(Text.L("JobDetails_Rendition", r.GetProperty("resolution").GetInt32(), r.GetProperty("crf").GetInt32(), Text.Bytes(r.GetProperty("sizeBytes").GetInt64()),
                r.GetProperty("ssim").GetDouble().ToString("0.0000", CultureInfo.CurrentCulture)));
        }

        lines.Add(Text.L("JobDetails_Times", Number(root, "analysisSeconds", "0.0"), Number(root, "ladderSeconds", "0.0"), Number(root, "ssimSeconds", "0.0")));
        return lines;
    }

    private static string Number(JsonElement root, string name, string format) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDouble().ToString(format, CultureInfo.CurrentCulture)
            : "?";
}
