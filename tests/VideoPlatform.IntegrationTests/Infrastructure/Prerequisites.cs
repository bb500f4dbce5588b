namespace VideoPlatform.IntegrationTests.Infrastructure;

/// <summary>A missing prerequisite makes a test Ignored locally and Failed when <c>CI</c> is set: never a silent pass.</summary>
public static class Prerequisites
{
    public static bool InCi => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    public static void Require(bool available, string what)
    {
        if (available)
        {
            return;
        }
        if (InCi)
        {
            Assert.Fail($"{what} is required on CI but is missing.");
        }
        Assert.Ignore($"{what} is missing on this machine.");
    }

    public static bool HasCommand(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, name)));
}
