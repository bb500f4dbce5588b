using Microsoft.AspNetCore.Authorization;
using VideoPlatform.Core.Accounts;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages.Admin;

/// <summary>« Comptes bloqués »: accounts and servers blocked for the whole instance, each change audit-logged.</summary>
[Authorize(Policy = WebPolicies.Admin)]
public sealed class BlocklistModel(Blocklists blocklists, ActorRepository actors) : BlocklistPageBase(blocklists, actors)
{
    public override bool InstanceWide => true;
}
