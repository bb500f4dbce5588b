using VideoPlatform.Core.Domain;

namespace VideoPlatform.Tests.Core;

public class RolesTests
{
    [TestCase(null, InstanceRoles.All)]
    [TestCase("all", InstanceRoles.All)]
    [TestCase("transcoder", InstanceRoles.Transcoder)]
    [TestCase("web, federation", InstanceRoles.Web | InstanceRoles.Federation)]
    [TestCase("Web|P2P", InstanceRoles.Web | InstanceRoles.P2P)]
    [TestCase("runner", InstanceRoles.Runner)]
    public void Parses(string? text, InstanceRoles expected) => Assert.That(InstanceRolesParser.Parse(text), Is.EqualTo(expected));

    [Test]
    public void Unknown_role_is_a_clear_error() =>
        Assert.That(() => InstanceRolesParser.Parse("web,encoder"), Throws.InvalidOperationException.With.Message.Contains("encoder"));

    [TestCase("runner,web")]
    [TestCase("all,runner")]
    public void Runner_role_stands_alone(string text) =>
        Assert.That(() => InstanceRolesParser.Parse(text), Throws.InvalidOperationException.With.Message.Contains("runner cannot be combined"));
}
