namespace VideoPlatform.Core.Domain;

/// <summary>What this process does (setting <c>Roles</c>, combinable: <c>web,federation</c>). Default: all.</summary>
[Flags]
public enum InstanceRoles
{
    None = 0,
    Web = 1,
    Federation = 2,
    P2P = 4,
    Transcoder = 8,
    All = Web | Federation | P2P | Transcoder,

    /// <summary>A remote transcoding runner: talks only HTTP to its instance (no database, no media store); never combined.</summary>
    Runner = 16,
}

public static class InstanceRolesParser
{
    public static InstanceRoles Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return InstanceRoles.All;
        }
        var roles = InstanceRoles.None;
        foreach (var part in value.Split([',', ' ', ';', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            roles |= part.ToLowerInvariant() switch
            {
                "all" => InstanceRoles.All,
                "web" => InstanceRoles.Web,
                "federation" => InstanceRoles.Federation,
                "p2p" => InstanceRoles.P2P,
                "transcoder" => InstanceRoles.Transcoder,
                "runner" => InstanceRoles.Runner,
                _ => throw new InvalidOperationException($"Roles: unknown role '{part}'. Use all, web, federation, p2p or transcoder (combinable with commas), or runner alone."),
            };
        }
        if (roles.HasFlag(InstanceRoles.Runner) && roles != InstanceRoles.Runner)
        {
            throw new InvalidOperationException("Roles: runner cannot be combined with other roles (a runner works for an instance over HTTP only).");
        }
        return roles;
    }
}
