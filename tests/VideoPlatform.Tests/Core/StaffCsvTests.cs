using VideoPlatform.Core.Accounts;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Tests.Core;

/// <summary>The staff CSV: separators, header, roles in French or English, quota units, and every bad line reported with its number.</summary>
public sealed class StaffCsvTests
{
    [Test]
    public void Valid_lines_with_either_separator_and_a_header()
    {
        var (rows, errors) = StaffCsv.Parse("\uFEFFusername,email,role,quota\r\nMme.Bernard,bernard@ac.fr,Enseignant,10G\r\nleo;leo@ac.fr;élève;\n# commentaire\n\nroot2,r@ac.fr,administrateur,-1\nmod,m@ac.fr,moderator\n");
        Assert.That(errors, Is.Empty);
        Assert.That(rows, Is.EqualTo(new[]
        {
            new StaffRow(2, "mme.bernard", "bernard@ac.fr", UserRole.User, AcademyRoles.Teacher, 10L << 30),
            new StaffRow(3, "leo", "leo@ac.fr", UserRole.User, AcademyRoles.Student, null),
            new StaffRow(6, "root2", "r@ac.fr", UserRole.Administrator, null, -1),
            new StaffRow(7, "mod", "m@ac.fr", UserRole.Moderator, null, null),
        }));
    }

    [TestCase("a,b", "4 colonnes attendues")]
    [TestCase("jean dupont,j@ac.fr,enseignant,", "n'est pas un identifiant valide")]
    [TestCase("jean,pas-une-adresse,enseignant,", "n'est pas une adresse électronique valide")]
    [TestCase("jean,j@ac.fr,directeur,", "Rôle « directeur » inconnu")]
    [TestCase("jean,j@ac.fr,enseignant,dix gigas", "Quota « dix gigas » invalide")]
    public void A_bad_line_is_reported_with_its_number(string line, string message)
    {
        var (rows, errors) = StaffCsv.Parse("ok,ok@ac.fr,enseignant,\n" + line);
        Assert.That(rows, Has.Count.EqualTo(1));
        Assert.That(errors.Single().Line, Is.EqualTo(2));
        Assert.That(errors.Single().Message, Does.Contain(message));
    }

    [Test]
    public void Duplicates_within_the_file_are_refused()
    {
        var (_, errors) = StaffCsv.Parse("a,a@ac.fr,eleve,\na,b@ac.fr,eleve,\nc,A@AC.FR,eleve,");
        Assert.That(errors.Select(e => e.Line), Is.EqualTo(new[] { 2, 3 }));
    }

    [TestCase("1024", 1024L)]
    [TestCase("500M", 500L << 20)]
    [TestCase("10 Go", 10L << 30)]
    [TestCase("2GB", 2L << 30)]
    [TestCase("-1", -1L)]
    [TestCase("-5", null)]
    [TestCase("1.5G", null)]
    [TestCase("99999999999T", null)]
    public void Sizes(string text, long? expected) => Assert.That(StaffCsv.ParseSize(text), Is.EqualTo(expected));
}
