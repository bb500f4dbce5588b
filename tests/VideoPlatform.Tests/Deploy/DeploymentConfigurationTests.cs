using System.Collections;
using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using VideoPlatform.Api;
using YamlDotNet.RepresentationModel;

namespace VideoPlatform.Tests.Deploy;

/// <summary>
/// The deployment files name only configuration keys the app reads, and every process they start accepts its command
/// line: compose.yaml, deploy/academies/*.yaml and the environment files deploy/academies/generate-env.sh writes. The known
/// keys come from the app itself: the options classes bound to configuration sections by <see cref="VideoPlatformApp.Build(string[])"/>
/// for the process's roles, walked property by property; plus the few keys read without an options class (<see cref="ReadDirectly"/>).
/// </summary>
public sealed partial class DeploymentConfigurationTests
{
    /// <summary>Keys read straight from configuration, not through a bound options class (VideoPlatformApp, ReverseProxy, ASP.NET Core's logging).</summary>
    private static readonly string[] ReadDirectly = ["urls", "Roles", "Proxy:KnownProxies", "Proxy:KnownNetworks", "Logging"];

    /// <summary>Stand-ins for compose's own variables (the `.env` an operator writes); compose's defaults apply to the others.</summary>
    private static readonly Dictionary<string, string> ComposeVariables = new(StringComparer.Ordinal)
    {
        ["PUBLIC_HOST"] = "videos.ac-lyon.fr",
        ["INSTANCE_NAME"] = "Académie de Lyon",
        ["POSTGRES_PASSWORD"] = "postgres-secret",
        ["S3_ACCESS_KEY"] = "access-key",
        ["S3_SECRET_KEY"] = "secret-key-secret-key",
        ["ADMIN_PASSWORD"] = "admin-password",
        ["RUNNER_REGISTRATION_TOKEN"] = "ptrrt-0123456789abcdef",
        ["ACADEMY"] = "lyon",
    };

    private static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "VideoPlatform.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("VideoPlatform.sln not found above the test directory");
    }

    private static string GeneratedEnv { get; set; } = null!;

    [OneTimeSetUp]
    public static async Task Generate()
    {
        GeneratedEnv = Path.Combine(Path.GetTempPath(), "vp-academies-env-" + Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("bash", [Path.Combine(Root, "deploy", "academies", "generate-env.sh"), "--out", GeneratedEnv])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        start.Environment["S3_ACCESS_KEY"] = "access-key";
        start.Environment["S3_SECRET_KEY"] = "secret-key-secret-key";
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.That(process.ExitCode, Is.Zero, error);
        Assert.That(output, Does.Contain("35 academies"));
    }

    [OneTimeTearDown]
    public static void Clean() => Directory.Delete(GeneratedEnv, recursive: true);

    /// <summary>One process of the app a deployment file starts: where it comes from, its arguments and its VP_ environment.</summary>
    public sealed record AppProcess(string Origin, IReadOnlyList<string> Args, IReadOnlyList<KeyValuePair<string, string>> Environment)
    {
        public override string ToString() => Origin;
    }

    public static IEnumerable<string> ComposeFiles() =>
        new[] { Path.Combine(Root, "compose.yaml") }.Concat(Directory.GetFiles(Path.Combine(Root, "deploy", "academies"), "*.yaml").Order(StringComparer.Ordinal))
            .Select(f => Path.GetRelativePath(Root, f));

    [Test]
    public void The_deployment_files_start_the_instance_and_its_runners()
    {
        var processes = ComposeFiles().SelectMany(AppProcesses).ToList();
        Assert.That(processes.Select(p => p.Origin), Is.EquivalentTo(new[]
        {
            "compose.yaml: instance", "compose.yaml: runner", "deploy/academies/compose.yaml: instance", "deploy/academies/runners.yaml: runner",
        }));
        Assert.That(Directory.GetFiles(GeneratedEnv, "*.env").Count(f => !f.EndsWith(".nginx.env", StringComparison.Ordinal) && !f.EndsWith(".runner.env", StringComparison.Ordinal)),
            Is.EqualTo(35));
    }

    [TestCaseSource(nameof(ComposeFiles))]
    public async Task Every_app_service_parses_its_command_line_and_names_only_real_keys(string composeFile)
    {
        foreach (var process in AppProcesses(composeFile))
        {
            var args = process.Args.Concat(process.Environment.SelectMany(e => new[] { "--" + KeyOf(e.Key), e.Value })).ToArray();
            var known = await KnownKeysAsync(args, process.Origin);
            var unknown = process.Environment.Select(e => KeyOf(e.Key)).Concat(ArgKeys(process.Args)).Where(k => !known.Matches(k)).ToList();
            Assert.That(unknown, Is.Empty, $"{process}: not configuration keys of this process (its roles: {Roles(args)})");
        }
    }

    [Test]
    public async Task Generated_environment_files_name_only_real_keys_and_their_values_are_valid()
    {
        var instanceArgs = new[] { "--urls", "http://0.0.0.0:9000", "--Roles", "web,federation,p2p" };
        var runnerArgs = new[] { "--urls", "http://0.0.0.0:9000", "--Roles", "runner" };
        foreach (var file in Directory.GetFiles(GeneratedEnv, "*.env").Where(f => !f.EndsWith(".nginx.env", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var entries = ReadEnvFile(file);
            Assert.That(entries.Select(e => e.Key), Is.All.StartsWith("VP_"), file);
            var baseArgs = file.EndsWith(".runner.env", StringComparison.Ordinal) ? runnerArgs : instanceArgs;
            var args = baseArgs.Concat(entries.SelectMany(e => new[] { "--" + KeyOf(e.Key), e.Value })).ToArray();
            var known = await KnownKeysAsync(args, Path.GetFileName(file));
            var unknown = entries.Select(e => KeyOf(e.Key)).Where(k => !known.Matches(k)).ToList();
            Assert.That(unknown, Is.Empty, $"{Path.GetFileName(file)}: not configuration keys of this process");
        }
    }

    [Test]
    public void The_checker_refuses_keys_that_no_options_class_has()
    {
        var known = new KnownKeys([("ObjectStorage", typeof(SampleOptions))], []);
        Assert.That(known.Matches("ObjectStorage:StreamingPlaylists:BucketName"), Is.True);
        Assert.That(known.Matches("objectstorage:streamingplaylists:bucketname"), Is.True, "configuration keys are case-insensitive");
        Assert.That(known.Matches("ObjectStorage:Providers:any:Url"), Is.True, "dictionary entries");
        Assert.That(known.Matches("ObjectStorage:Hosts:0"), Is.True, "list items");
        Assert.That(known.Matches("ObjectStorage:Hosts"), Is.True, "a list as one comma-separated value");
        Assert.That(known.Matches("ObjectStorage:StreamingPlaylists:BucketNam"), Is.False, "a misspelt property");
        Assert.That(known.Matches("ObjectStorage:Enabled:Extra"), Is.False, "below a scalar");
        Assert.That(known.Matches("ObjectStorage:StreamingPlaylists"), Is.False, "a section is not a value");
        Assert.That(known.Matches("ObjectStore:Enabled"), Is.False, "an unknown section");
        Assert.That(known.Matches("ObjectStorage:ReadOnly"), Is.False, "a property the binder cannot set");
    }

    public sealed class SampleOptions
    {
        public bool Enabled { get; set; }
        public SampleBucket StreamingPlaylists { get; set; } = new();
        public Dictionary<string, SampleBucket> Providers { get; set; } = [];
        public List<string> Hosts { get; set; } = [];
        public string ReadOnly => "";
    }

    public sealed class SampleBucket
    {
        public string? BucketName { get; set; }
        public string? Url { get; set; }
    }

    private static string KeyOf(string environmentName) => environmentName["VP_".Length..].Replace("__", ":", StringComparison.Ordinal);

    private static string Roles(string[] args) => args.SkipWhile(a => !a.Equals("--Roles", StringComparison.OrdinalIgnoreCase)).Skip(1).FirstOrDefault() ?? "all";

    /// <summary>Configuration keys given on a command line (<c>--Section:Key value</c>).</summary>
    private static IEnumerable<string> ArgKeys(IReadOnlyList<string> args) =>
        args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).Select(a => a[2..].Split('=')[0]);

    private static List<KeyValuePair<string, string>> ReadEnvFile(string path) =>
        File.ReadAllLines(path).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)).Select(p => new KeyValuePair<string, string>(p[0], p.Length > 1 ? p[1] : "")).ToList();

    /// <summary>The services of a compose file that run our image, with the Dockerfile's entrypoint arguments before their command.</summary>
    private static IEnumerable<AppProcess> AppProcesses(string composeFile)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(Root, composeFile)))
        {
            yaml.Load(reader);
        }
        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        var entrypoint = EntrypointArgs();
        foreach (var (nameNode, node) in services.Children)
        {
            var service = (YamlMappingNode)node;
            var image = service.Children.TryGetValue("image", out var i) ? Interpolate(((YamlScalarNode)i).Value!) : "";
            if (!image.StartsWith("videoplatform:", StringComparison.Ordinal) && !service.Children.ContainsKey("build"))
            {
                continue;
            }
            var command = service.Children.TryGetValue("command", out var c)
                ? ((YamlSequenceNode)c).Children.Select(a => Interpolate(((YamlScalarNode)a).Value!)).ToList()
                : [];
            var environment = new List<KeyValuePair<string, string>>();
            if (service.Children.TryGetValue("environment", out var env))
            {
                environment.AddRange(((YamlMappingNode)env).Children.Select(e =>
                    new KeyValuePair<string, string>(((YamlScalarNode)e.Key).Value!, Interpolate(((YamlScalarNode)e.Value).Value ?? ""))));
            }
            if (service.Children.TryGetValue("env_file", out var files))
            {
                foreach (var file in ((YamlSequenceNode)files).Children.Select(f => Interpolate(((YamlScalarNode)f).Value!)))
                {
                    // env/… is what generate-env.sh writes (this fixture generated it for every academy).
                    var path = file.StartsWith("env/", StringComparison.Ordinal) ? Path.Combine(GeneratedEnv, file["env/".Length..]) : Path.Combine(Root, Path.GetDirectoryName(composeFile)!, file);
                    Assert.That(File.Exists(path), Is.True, $"{composeFile}: {file}");
                    environment.AddRange(ReadEnvFile(path));
                }
            }
            Assert.That(environment.Select(e => e.Key), Is.All.StartsWith("VP_"), $"{composeFile}: {nameNode}: our settings are VP_Section__Key");
            yield return new AppProcess($"{composeFile}: {nameNode}", [.. entrypoint, .. command], environment);
        }
    }

    /// <summary>What the Dockerfile's ENTRYPOINT passes after <c>dotnet VideoPlatform.Api.dll</c>.</summary>
    private static List<string> EntrypointArgs()
    {
        var line = File.ReadAllLines(Path.Combine(Root, "Dockerfile")).Single(l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal));
        var parts = System.Text.Json.JsonSerializer.Deserialize<List<string>>(line["ENTRYPOINT".Length..])!;
        return parts.SkipWhile(p => !p.EndsWith(".dll", StringComparison.Ordinal)).Skip(1).ToList();
    }

    /// <summary>Compose's interpolation: <c>${VAR}</c>, <c>${VAR:-default}</c>, <c>${VAR:?message}</c>, <c>$$</c>.</summary>
    private static string Interpolate(string value) =>
        Variable().Replace(value, m =>
        {
            if (m.Value == "$$")
            {
                return "$";
            }
            var name = m.Groups["name"].Value;
            if (ComposeVariables.TryGetValue(name, out var set))
            {
                return set;
            }
            return m.Groups["op"].Value == ":-" ? Interpolate(m.Groups["rest"].Value) : throw new AssertionException($"${{{name}}} has no value in this test");
        });

    [GeneratedRegex(@"\$\$|\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>:-|:\?|-|\?)(?<rest>(?:[^{}]|\{[^{}]*\})*))?\}")]
    private static partial Regex Variable();

    /// <summary>
    /// Builds the app with these arguments (nothing starts), which parses the command line and the roles, then resolves every
    /// bound options class (running its validation) and collects the sections they are bound to.
    /// </summary>
    private static async Task<KnownKeys> KnownKeysAsync(string[] args, string origin)
    {
        IServiceCollection? captured = null;
        Microsoft.AspNetCore.Builder.WebApplication app;
        try
        {
            app = VideoPlatformApp.Build(args, services => captured = services);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException)
        {
            Assert.Fail($"{origin}: the command line does not parse: {e.Message}");
            throw;
        }
        await using (app)
        {
            var bound = new List<(string Section, Type Options)>();
            foreach (var descriptor in captured!.Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>)))
            {
                if (descriptor.ImplementationInstance is { } source
                    && source.GetType().GetField("_config", BindingFlags.NonPublic | BindingFlags.Instance)?.GetValue(source) is Microsoft.Extensions.Configuration.IConfigurationSection section)
                {
                    var type = descriptor.ServiceType.GetGenericArguments()[0];
                    bound.Add((section.Path, type));
                    var options = app.Services.GetService(typeof(IOptions<>).MakeGenericType(type));
                    try
                    {
                        _ = options?.GetType().GetProperty("Value")!.GetValue(options);
                    }
                    catch (TargetInvocationException e) when (e.InnerException is OptionsValidationException invalid)
                    {
                        Assert.Fail($"{origin}: {invalid.Message}");
                    }
                }
            }
            Assert.That(bound, Is.Not.Empty, "no options class found bound to configuration: the way keys are discovered no longer works");
            return new KnownKeys(bound, ReadDirectly);
        }
    }

    /// <summary>Keys an options class can receive from configuration: its settable properties, nested classes, dictionaries and lists.</summary>
    private sealed class KnownKeys(IReadOnlyList<(string Section, Type Options)> bound, IReadOnlyList<string> direct)
    {
        public bool Matches(string key)
        {
            var parts = key.Split(':');
            // Logging's keys are ASP.NET Core's own (categories, providers): the whole section is accepted.
            if (direct.Any(d => key.Equals(d, StringComparison.OrdinalIgnoreCase))
                || key.StartsWith("Logging:", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            foreach (var (section, type) in bound)
            {
                var prefix = section.Split(':');
                if (parts.Length > prefix.Length && prefix.Select((p, i) => p.Equals(parts[i], StringComparison.OrdinalIgnoreCase)).All(x => x)
                    && Accepts(type, parts.AsSpan(prefix.Length)))
                {
                    return true;
                }
            }
            return false;
        }

        private static bool Accepts(Type type, ReadOnlySpan<string> rest)
        {
            if (IsScalar(type))
            {
                return rest.IsEmpty;
            }
            if (rest.IsEmpty)
            {
                // A list may be given as one comma-separated value; any other section is not a value.
                return ElementType(type) is { } element && IsScalar(element);
            }
            if (DictionaryValueType(type) is { } value)
            {
                return Accepts(value, rest[1..]);
            }
            if (ElementType(type) is { } item)
            {
                return int.TryParse(rest[0], out _) && Accepts(item, rest[1..]);
            }
            var name = rest[0];
            var property = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && p.GetIndexParameters().Length == 0);
            return property is not null && (property.SetMethod?.IsPublic == true || !IsScalar(property.PropertyType)) && Accepts(property.PropertyType, rest[1..]);
        }

        private static bool IsScalar(Type type)
        {
            var t = Nullable.GetUnderlyingType(type) ?? type;
            return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(Uri)
                   || t == typeof(DateTimeOffset) || t == typeof(DateTime) || t == typeof(Guid);
        }

        private static Type? DictionaryValueType(Type type) =>
            type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(Dictionary<,>) || d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>))
                ? type.GetGenericArguments()[1]
                : null;

        private static Type? ElementType(Type type) =>
            type.IsArray ? type.GetElementType()
            : type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) && type.IsGenericType && DictionaryValueType(type) is null ? type.GetGenericArguments()[0]
            : null;
    }
}
