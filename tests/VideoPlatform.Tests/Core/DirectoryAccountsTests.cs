using VideoPlatform.Core.Accounts;
using VideoPlatform.Core.Domain;
using VideoPlatform.Core.Settings;

namespace VideoPlatform.Tests.Core;

/// <summary>The pure rules of directory sign-in and instance settings: role mapping, quotas by role, usernames from claims, saved settings over defaults.</summary>
public sealed class DirectoryAccountsTests
{
    private static readonly DirectoryRoleMap Map = new()
    {
        Administrator = ["DANE"],
        Moderator = ["Moderateur"],
        Teacher = ["Enseignant", "Professeur"],
        Student = ["Eleve"],
    };

    [TestCase(new[] { "Enseignant" }, UserRole.User, AcademyRoles.Teacher)]
    [TestCase(new[] { "Professeur", "Personnel" }, UserRole.User, AcademyRoles.Teacher)]
    [TestCase(new[] { "Eleve" }, UserRole.User, AcademyRoles.Student)]
    [TestCase(new[] { "Eleve", "Enseignant" }, UserRole.User, AcademyRoles.Teacher)]
    [TestCase(new[] { "DANE" }, UserRole.Administrator, null)]
    [TestCase(new[] { "Moderateur", "Enseignant" }, UserRole.Moderator, AcademyRoles.Teacher)]
    [TestCase(new[] { "DANE", "Moderateur" }, UserRole.Administrator, null)]
    [TestCase(new[] { "enseignant" }, UserRole.User, null)]
    [TestCase(new string[0], UserRole.User, null)]
    public void Claim_values_map_to_peertube_role_and_academy_role(string[] values, UserRole role, string? academy)
    {
        Assert.That(DirectoryRoles.Map(Map, values), Is.EqualTo(new DirectoryRoles(role, academy)));
    }

    [Test]
    public void Teachers_and_staff_get_the_default_quota_students_and_unknown_roles_none()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new DirectoryRoles(UserRole.User, AcademyRoles.Teacher).Quota(1000, -1), Is.EqualTo((1000L, -1L)));
            Assert.That(new DirectoryRoles(UserRole.Administrator, null).Quota(1000, 50), Is.EqualTo((1000L, 50L)));
            Assert.That(new DirectoryRoles(UserRole.Moderator, AcademyRoles.Student).Quota(1000, 50), Is.EqualTo((1000L, 50L)));
            Assert.That(new DirectoryRoles(UserRole.User, AcademyRoles.Student).Quota(1000, -1), Is.EqualTo((0L, 0L)));
            Assert.That(new DirectoryRoles(UserRole.User, null).Quota(1000, -1), Is.EqualTo((0L, 0L)));
        });
    }

    [TestCase("mme.durand", "mme.durand")]
    [TestCase("Hélène.Lefèvre", "helene.lefevre")]
    [TestCase("jean-paul dupont", "jean_paul_dupont")]
    [TestCase("  _x_  ", "x")]
    [TestCase("€€€", "user")]
    [TestCase("peertube", "user_peertube")]
    [TestCase("marie@ac-lyon.fr", "marie_ac_lyon.fr")]
    public void Usernames_from_claims_are_valid_usernames(string claim, string expected)
    {
        var name = DirectoryAccounts.UsernameBase(claim);
        Assert.That(name, Is.EqualTo(expected));
        Assert.That(AccountService.ValidateUsername(name), Is.Null);
    }

    [Test]
    public void A_long_claim_is_cut_to_fifty_characters()
    {
        var name = DirectoryAccounts.UsernameBase(new string('a', 80));
        Assert.That(name, Has.Length.EqualTo(50));
        Assert.That(AccountService.ValidateUsername(name), Is.Null);
    }

    [Test]
    public void Saved_settings_override_the_configuration_and_unparsable_ones_keep_the_default()
    {
        var defaults = InstanceSettings.Defaults(new InstanceOptions { Name = "Académie", Description = "d", DefaultVideoQuota = 100, DefaultVideoQuotaDaily = -1 });
        var applied = InstanceSettings.Apply(defaults, new Dictionary<string, string>
        {
            ["Name"] = "Académie de Lyon",
            ["SignupEnabled"] = "true",
            ["DefaultVideoQuota"] = "-2",
            ["DefaultVideoQuotaDaily"] = "5000",
            ["Terms"] = "Charte",
        });
        Assert.Multiple(() =>
        {
            Assert.That(applied.Name, Is.EqualTo("Académie de Lyon"));
            Assert.That(applied.Description, Is.EqualTo("d"));
            Assert.That(applied.SignupEnabled, Is.True);
            Assert.That(applied.DefaultVideoQuota, Is.EqualTo(100), "-2 is not a quota");
            Assert.That(applied.DefaultVideoQuotaDaily, Is.EqualTo(5000));
            Assert.That(applied.Terms, Is.EqualTo("Charte"));
        });
        Assert.That(InstanceSettings.Apply(defaults, new Dictionary<string, string>()), Is.EqualTo(defaults));
    }
}
