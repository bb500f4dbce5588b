using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages;

/// <summary>
/// The uploader page. Its script talks to the resumable API with the session cookie (same origin, with the anti-CSRF
/// header the API checks): no token is written into the page.
/// </summary>
[Authorize(Policy = WebPolicies.User)]
public sealed class UploadModel(ActorRepository actors, UserRepository users, IOptions<WebOptions> options, IWebLives lives) : PageModel
{
    /// <summary>A user without upload quota (a student from the academy's directory): the page explains instead of offering a form the API would refuse.</summary>
    public bool CannotUpload { get; private set; }
    public bool IsStudent { get; private set; }

    public IReadOnlyList<ActorRow> Channels { get; private set; } = [];

    /// <summary>Lives enabled: the page offers the « Diffuser en direct » tab beside the upload form, as PeerTube's « Go live ».</summary>
    public bool LiveEnabled { get; private set; }

    /// <summary>Groups known from the directory, offered as suggestions for the class audience (as on the edit page).</summary>
    public IReadOnlyList<string> KnownGroups { get; private set; } = [];
    public int ChunkSize => options.Value.UploadChunkSize;
    /// <summary>The uploader's messages; the default encoder escapes &lt; and &gt;, so the JSON is safe inside a script element.</summary>
    public string ScriptTextsJson => System.Text.Json.JsonSerializer.Serialize(Text.WithPrefix("Js_").ToDictionary(p => p.Key, p => p.Value));

    public async Task OnGetAsync(CancellationToken ct)
    {
        (CannotUpload, IsStudent, Channels) = await Publisher.LoadAsync(User, users, actors, ct);
        LiveEnabled = (await lives.RulesAsync(ct)).Enabled;
        if (!CannotUpload)
        {
            KnownGroups = await users.KnownGroupsAsync(ct);
        }
    }
}
