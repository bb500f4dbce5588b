namespace VideoPlatform.Federation.Actors;

/// <summary>An activity or object we refuse: the inbox answers 400 and nothing is stored.</summary>
public sealed class InvalidActivityException(string message) : Exception(message);
