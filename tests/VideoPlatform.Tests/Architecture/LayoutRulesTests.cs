using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace VideoPlatform.Tests.Architecture;

/// <summary>
/// The rules of docs/architecture.md, checked on the source tree so that a change that breaks them fails here rather
/// than in a review: which project may reference which, where SQL may be written, and no folder cycle inside Api.
/// </summary>
public sealed partial class LayoutRulesTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VideoPlatform.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("VideoPlatform.sln not found above the test directory");
    }

    private static IEnumerable<string> Sources(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Root, folder), "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    [TestCase("Core")]
    [TestCase("Transcoder", "Core")]
    [TestCase("Federation", "Core")]
    [TestCase("Web", "Core")]
    [TestCase("P2P")]
    public void Modules_reference_only_what_the_map_allows(string project, params string[] allowed)
    {
        var csproj = XDocument.Load(Path.Combine(Root, project, project + ".csproj"));
        var references = csproj.Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value))
            .ToArray();
        Assert.That(references, Is.EquivalentTo(allowed), $"{project} references");
    }

    [GeneratedRegex(@"""[^""\n]*\b(SELECT\s+[\w*(]|INSERT\s+INTO\b|UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b)", RegexOptions.IgnoreCase)]
    private static partial Regex SqlText();

    [TestCase("Api")]
    [TestCase("Federation")]
    [TestCase("Transcoder")]
    [TestCase("P2P")]
    [TestCase("Web")]
    [TestCase("tools")]
    public void No_sql_outside_core_data_and_the_job_queue(string folder)
    {
        var offenders = Sources(folder)
            .SelectMany(p => File.ReadLines(p).Select((line, i) => (p, i, line)))
            .Where(x => SqlText().IsMatch(x.line) || x.line.TrimStart().StartsWith("SELECT ", StringComparison.Ordinal))
            .Select(x => $"{Path.GetRelativePath(Root, x.p)}:{x.i + 1}")
            .ToList();
        Assert.That(offenders, Is.Empty);
    }

    [GeneratedRegex(@"\b(?:class|record|interface|enum|struct)\s+(\w+)")]
    private static partial Regex TypeDeclaration();

    [GeneratedRegex(@"\b[A-Z]\w+\b")]
    private static partial Regex Identifier();

    [Test]
    public void Api_folders_depend_on_each_other_without_cycles()
    {
        var api = Path.Combine(Root, "Api");
        var folders = Directory.GetDirectories(api).Select(Path.GetFileName).OfType<string>()
            .Where(f => f is not ("bin" or "obj" or "Properties")).ToList();
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            foreach (var file in Sources(Path.Combine("Api", folder)))
            {
                foreach (Match m in TypeDeclaration().Matches(File.ReadAllText(file)))
                {
                    owner.TryAdd(m.Groups[1].Value, folder);
                }
            }
        }
        var edges = folders.ToDictionary(f => f, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            foreach (var file in Sources(Path.Combine("Api", folder)))
            {
                var code = string.Join('\n', File.ReadLines(file).Select(l => l.Split("//", 2)[0]));
                foreach (Match m in Identifier().Matches(code))
                {
                    if (owner.TryGetValue(m.Value, out var other) && other != folder)
                    {
                        edges[folder].Add(other);
                    }
                }
            }
        }
        bool Reaches(string from, string to, HashSet<string> seen) =>
            edges[from].Contains(to) || edges[from].Any(next => seen.Add(next) && Reaches(next, to, seen));
        var cycles = folders.SelectMany(a => edges[a].Where(b => Reaches(b, a, [b])).Select(b => $"{a} -> {b} -> … -> {a}")).ToList();
        Assert.That(cycles, Is.Empty);
    }
}
