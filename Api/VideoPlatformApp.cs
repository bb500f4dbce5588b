namespace VideoPlatform.Api;

/// <summary>The one composition of an instance, used by Program and by every test fixture.</summary>
public static class VideoPlatformApp
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();
        app.MapGet("/health", () => TypedResults.Ok());
        return app;
    }
}
