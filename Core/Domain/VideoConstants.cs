namespace VideoPlatform.Core.Domain;

/// <summary>PeerTube's numbered vocabularies, with its English labels (clients translate them, as with PeerTube).</summary>
public static class VideoConstants
{
    public static readonly IReadOnlyDictionary<int, string> Categories = new Dictionary<int, string>
    {
        [1] = "Music", [2] = "Films", [3] = "Vehicles", [4] = "Art", [5] = "Sports", [6] = "Travels", [7] = "Gaming",
        [8] = "People", [9] = "Comedy", [10] = "Entertainment", [11] = "News & Politics", [12] = "How To", [13] = "Education",
        [14] = "Activism", [15] = "Science & Technology", [16] = "Animals", [17] = "Kids", [18] = "Food",
    };

    public static readonly IReadOnlyDictionary<int, string> Licences = new Dictionary<int, string>
    {
        [1] = "Attribution", [2] = "Attribution - Share Alike", [3] = "Attribution - No Derivatives",
        [4] = "Attribution - Non Commercial", [5] = "Attribution - Non Commercial - Share Alike",
        [6] = "Attribution - Non Commercial - No Derivatives", [7] = "Public Domain Dedication",
    };

    /// <summary>The languages our academies teach in and about (ISO 639-1, PeerTube's identifiers).</summary>
    public static readonly IReadOnlyDictionary<string, string> Languages = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["fr"] = "French", ["en"] = "English", ["de"] = "German", ["es"] = "Spanish", ["it"] = "Italian", ["pt"] = "Portuguese",
        ["ar"] = "Arabic", ["zh"] = "Chinese", ["ja"] = "Japanese", ["ru"] = "Russian", ["nl"] = "Dutch", ["pl"] = "Polish",
        ["br"] = "Breton", ["oc"] = "Occitan", ["co"] = "Corsican", ["eu"] = "Basque", ["ca"] = "Catalan", ["la"] = "Latin",
        ["el"] = "Greek", ["he"] = "Hebrew", ["tr"] = "Turkish", ["uk"] = "Ukrainian", ["ro"] = "Romanian", ["sv"] = "Swedish",
        ["fcs"] = "French Sign Language", ["ht"] = "Haitian", ["ty"] = "Tahitian", ["rcf"] = "Réunion Creole", ["gcf"] = "Guadeloupean Creole",
    };

    public static readonly IReadOnlyDictionary<int, string> Privacies = new Dictionary<int, string>
    {
        [1] = "Public", [2] = "Unlisted", [3] = "Private", [4] = "Internal", [5] = "Password protected",
    };

    public static readonly IReadOnlyDictionary<int, string> States = new Dictionary<int, string>
    {
        [1] = "Published", [2] = "To transcode", [3] = "To import", [4] = "Waiting for livestream", [5] = "Livestream ended",
        [6] = "To move to an external storage", [7] = "Transcoding failed", [8] = "External storage move failed", [9] = "To edit",
    };

    public static readonly IReadOnlyDictionary<int, string> Roles = new Dictionary<int, string>
    {
        [0] = "Administrator", [1] = "Moderator", [2] = "User",
    };
}
