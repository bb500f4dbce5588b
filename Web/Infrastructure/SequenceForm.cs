using VideoPlatform.Core.Playlists;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>The teacher's words for a refused playlist change (the rules and their English messages are Core's <see cref="PlaylistRules"/>).</summary>
public static class SequenceForm
{
    public static readonly PlaylistPrivacy[] Privacies = [PlaylistPrivacy.Public, PlaylistPrivacy.Unlisted, PlaylistPrivacy.Private];

    public static string PrivacyLabel(PlaylistPrivacy privacy) => Text.Privacy((Core.Domain.VideoPrivacy)(int)privacy);

    public static string Error(PlaylistError error) => error.Message switch
    {
        var m when m.StartsWith("displayName", StringComparison.Ordinal) => Text.L("Sequences_ErrorName"),
        var m when m.StartsWith("description", StringComparison.Ordinal) => Text.L("Sequences_ErrorDescription"),
        var m when m.Contains("\"public\"", StringComparison.Ordinal) => Text.L("Sequences_ErrorPublic"),
        var m => Text.L("Sequences_ErrorOther", m),
    };
}
