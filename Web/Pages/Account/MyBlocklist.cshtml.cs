using Microsoft.AspNetCore.Authorization;
using VideoPlatform.Core.Accounts;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Web.Infrastructure;

namespace VideoPlatform.Web.Pages.Account;

/// <summary>« Comptes et serveurs masqués »: what the signed-in user hid from their own lists, search and comments.</summary>
[Authorize(Policy = WebPolicies.User)]
public sealed class MyBlocklistModel(Blocklists blocklists, ActorRepository actors) : BlocklistPageBase(blocklists, actors)
{
    public override bool InstanceWide => false;
}
