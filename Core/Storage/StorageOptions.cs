namespace VideoPlatform.Core.Storage;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Local media and SQLite folder.</summary>
    public string Root { get; set; } = "./data";
}
