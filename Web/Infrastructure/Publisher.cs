using System.Security.Claims;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Web.Infrastructure;

/// <summary>
/// The signed-in user as the upload and « Diffuser en direct » pages see them: a user without upload quota (a student from
/// the academy's directory) cannot publish, and those pages explain instead of offering a form the API would refuse; the
/// channels they may publish to.
/// </summary>
public sealed record Publisher(bool CannotPublish, bool IsStudent, IReadOnlyList<ActorRow> Channels)
{
    public static async Task<Publisher> LoadAsync(ClaimsPrincipal principal, UserRepository users, ActorRepository actors, CancellationToken ct)
    {
        var userId = principal.UserId()!.Value;
        var user = await users.FindByIdAsync(userId, ct);
        var account = await actors.FindAccountOfUserAsync(userId, ct);
        return new Publisher(user is { VideoQuota: 0 } or { VideoQuotaDaily: 0 }, user?.AcademyRole == AcademyRoles.Student,
            account is null ? [] : await actors.ChannelsOfAccountAsync(account.Id, ct));
    }
}
