using VideoPlatform.Api;

var app = VideoPlatformApp.Build(args);
await app.RunAsync();
