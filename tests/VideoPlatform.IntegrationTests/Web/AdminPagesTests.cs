using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using VideoPlatform.Core.Data.Repositories;
using VideoPlatform.Core.Domain;
using VideoPlatform.IntegrationTests.Infrastructure;

namespace VideoPlatform.IntegrationTests.Web;

/// <summary>
/// The administration pages driven by Chromium, without the API: creating, editing, blocking and deleting a user,
/// importing staff from CSV (dry run, bad rows, nothing half-imported), instance settings applied at once, the audit log.
/// Database-independent: SQLite only.
/// </summary>
[TestFixture]
[Category("Browser")]
[NonParallelizable]
public sealed class AdminPagesTests : BrowserFixture
{
    private const long GiB = 1L << 30;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _instance = await TestInstance.StartAsync(DbKind.Sqlite);
        _chromium = await Chromium.LaunchAsync();
    }

    private UserRepository Users => _instance.Services.GetRequiredService<UserRepository>();

    private async Task<IPage> AdminAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await Chromium.LoginAsync(page, "root", TestInstance.AdminPassword);
        return page;
    }

    [Test]
    public async Task Admin_creates_edits_blocks_and_deletes_a_user()
    {
        await using var context = await _chromium.ContextAsync(_instance.BaseUrl, width: 390);
        var page = await AdminAsync(context);
        await page.GotoAsync("/admin/users");
        await page.GetByRole(AriaRole.Link, new() { Name = "Créer un utilisateur" }).ClickAsync();
        await page.GetByLabel("Identifiant").FillAsync("prof.dupont");
        await page.GetByLabel("Adresse électronique").FillAsync("dupont@ac-test.fr");
        await page.GetByLabel("Mot de passe").FillAsync("dupont");
        await page.GetByRole(AriaRole.Button, new() { Name = "Créer" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Le mot de passe doit compter de 8 à 255 caractères et différer de l'identifiant.");
        Assert.That(await Users.FindByLoginAsync("prof.dupont"), Is.Null);

        await page.GetByLabel("Mot de passe").FillAsync("mot-de-passe-dupont");
        await page.GetByRole(AriaRole.Button, new() { Name = "Créer" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync("Compte prof.dupont créé.");
        var created = (await Users.FindByLoginAsync("prof.dupont"))!;
        Assert.That(created.AcademyRole, Is.EqualTo(AcademyRoles.Teacher));
        Assert.That(created.VideoQuota, Is.EqualTo(new InstanceOptions().DefaultVideoQuota), "empty quota: the teacher's default");
        var token = await _instance.TokenAsync("prof.dupont", "mot-de-passe-dupont");

        await page.GetByRole(AriaRole.Link, new() { Name = "Modifier le compte prof.dupont" }).ClickAsync();
        await page.GetByLabel("Rôle").SelectOptionAsync(new SelectOptionValue { Label = "Élève" });
        await page.GetByLabel("Quota (octets").FillAsync("beaucoup");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Quota invalide");
        await page.GetByLabel("Quota (octets").FillAsync("0");
        await page.GetByLabel("Adresse électronique").FillAsync("j.dupont@ac-test.fr");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync("Compte de prof.dupont enregistré.");
        var edited = (await Users.FindByLoginAsync("prof.dupont"))!;
        Assert.That((edited.AcademyRole, edited.VideoQuota, edited.Email), Is.EqualTo((AcademyRoles.Student, 0L, "j.dupont@ac-test.fr")));

        await page.GetByRole(AriaRole.Button, new() { Name = "Bloquer" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToContainTextAsync("prof.dupont est bloqué");
        using (var client = _instance.Authed(token))
        {
            using var me = await client.GetAsync("/api/v1/users/me");
            Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a blocked user's token stops working");
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Débloquer" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync("prof.dupont est débloqué.");
        Assert.That((await Users.FindByLoginAsync("prof.dupont"))!.Blocked, Is.False);

        await page.GetByRole(AriaRole.Button, new() { Name = "Supprimer le compte prof.dupont" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync("Le compte prof.dupont et ses vidéos ont été supprimés.");
        Assert.That(await Users.FindByLoginAsync("prof.dupont"), Is.Null);
        using var account = await _instance.Http.GetAsync("/api/v1/accounts/prof.dupont");
        Assert.That(account.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "its account went with it");

        await page.GotoAsync("/admin/audit");
        var log = page.Locator("table.audit");
        foreach (var action in new[] { "Création de compte", "Modification de compte", "Compte bloqué", "Compte débloqué", "Suppression de compte" })
        {
            await Assertions.Expect(log.Locator("tr", new() { HasText = action }).Filter(new() { HasText = "prof.dupont" })).ToHaveCountAsync(1);
        }
        await Assertions.Expect(log.Locator("tr", new() { HasText = "Modification de compte" })).ToContainTextAsync("rôle enseignant → élève");
    }

    [Test]
    public async Task Admin_imports_staff_from_csv_with_a_dry_run_and_bad_rows_refused_whole()
    {
        using (await _instance.CreateUserAsync("m.leroy")) { }
        await using var context = await _chromium.ContextAsync(_instance.BaseUrl);
        var page = await AdminAsync(context);
        await page.GotoAsync("/admin/users");
        await page.GetByRole(AriaRole.Link, new() { Name = "Importer du personnel (CSV)" }).ClickAsync();

        const string good = "username;email;role;quota\nmme.bernard;bernard@ac-test.fr;Enseignant;10G\nm.leroy;leroy@ac-test.fr;enseignant;\nlea.noel;noel@ac-test.fr;élève;\n";
        var withBadRows = good + "jean dupont;jd@ac-test.fr;enseignant;\nm.roux;roux@ac-test.fr;directeur;\nm.blanc;bernard@ac-test.fr;enseignant;\n";
        await page.Locator("#file").SetInputFilesAsync(new FilePayload { Name = "personnel.csv", MimeType = "text/csv", Buffer = System.Text.Encoding.UTF8.GetBytes(withBadRows) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Importer", Exact = true }).ClickAsync();
        var errors = page.Locator("#import-errors");
        await Assertions.Expect(errors).ToContainTextAsync("3 ligne(s) refusée(s) : rien n'a été importé.");
        await Assertions.Expect(errors).ToContainTextAsync("Ligne 5 : « jean dupont » n'est pas un identifiant valide");
        await Assertions.Expect(errors).ToContainTextAsync("Ligne 6 : Rôle « directeur » inconnu");
        await Assertions.Expect(errors).ToContainTextAsync("Ligne 7 : L'adresse « bernard@ac-test.fr » figure déjà plus haut dans le fichier.");
        Assert.That(await Users.FindByLoginAsync("mme.bernard"), Is.Null, "nothing half-imported");
        Assert.That((await Users.FindByLoginAsync("m.leroy"))!.Email, Is.EqualTo("m.leroy@example.org"));

        await page.GetByLabel("Ou contenu CSV").FillAsync(good);
        await page.GetByRole(AriaRole.Button, new() { Name = "Vérifier" }).ClickAsync();
        await Assertions.Expect(page.Locator("#import-checked")).ToHaveTextAsync("Vérification : 2 compte(s) seraient créés, 1 modifiés. Rien n'est encore enregistré.");
        var planned = page.Locator("table.import-changes");
        await Assertions.Expect(planned.Locator("tr", new() { HasText = "mme.bernard" })).ToContainTextAsync("Création : bernard@ac-test.fr, enseignant, quota 10 Gio");
        await Assertions.Expect(planned.Locator("tr", new() { HasText = "m.leroy" })).ToContainTextAsync("adresse m.leroy@example.org → leroy@ac-test.fr, rôle utilisateur → enseignant");
        await Assertions.Expect(planned.Locator("tr", new() { HasText = "lea.noel" })).ToContainTextAsync("élève, quota 0");
        Assert.That(await Users.FindByLoginAsync("mme.bernard"), Is.Null, "a dry run writes nothing");

        await page.GetByRole(AriaRole.Button, new() { Name = "Importer", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#import-done")).ToHaveTextAsync("Import terminé : 2 compte(s) créé(s), 1 modifié(s).");
        var bernard = (await Users.FindByLoginAsync("mme.bernard"))!;
        Assert.That((bernard.AcademyRole, bernard.VideoQuota), Is.EqualTo((AcademyRoles.Teacher, 10 * GiB)));
        Assert.That((await Users.FindByLoginAsync("lea.noel"))!.VideoQuota, Is.Zero);
        var leroy = (await Users.FindByLoginAsync("m.leroy"))!;
        Assert.That((leroy.Email, leroy.AcademyRole), Is.EqualTo(("leroy@ac-test.fr", AcademyRoles.Teacher)));
        using var channel = await _instance.Http.GetAsync("/api/v1/video-channels/mme.bernard_channel");
        Assert.That(channel.StatusCode, Is.EqualTo(HttpStatusCode.OK), "imported users get their account and channel");

        await page.GotoAsync("/admin/audit");
        await Assertions.Expect(page.Locator("table.audit tr", new() { HasText = "Import de personnel" })).ToContainTextAsync("2 créés, 1 modifiés");
    }

    [Test]
    public async Task Settings_changed_on_the_page_apply_at_once()
    {
        await using var context = await _chromium.ContextAsync(_instance.BaseUrl);
        var page = await AdminAsync(context);
        await page.GotoAsync("/admin/settings");
        await page.GetByLabel("Nom de l'instance").FillAsync("Académie de Test");
        await page.GetByLabel("Description").FillAsync("Les vidéos de l'académie");
        await page.GetByLabel("Inscriptions ouvertes").CheckAsync();
        await page.GetByLabel("Quota par défaut des nouveaux comptes").FillAsync("2G");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync("Paramètres enregistrés : ils s'appliquent dès maintenant.");
        await Assertions.Expect(page.Locator("a.brand")).ToHaveTextAsync("Académie de Test");
        await Assertions.Expect(page).ToHaveTitleAsync(new System.Text.RegularExpressions.Regex("Académie de Test$"));

        var config = await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/config");
        Assert.That(config.GetProperty("instance").GetProperty("name").GetString(), Is.EqualTo("Académie de Test"));
        Assert.That(config.GetProperty("signup").GetProperty("allowed").GetBoolean(), Is.True);
        Assert.That(config.GetProperty("user").GetProperty("videoQuota").GetInt64(), Is.EqualTo(2 * GiB));
        using var register = await _instance.Http.PostAsJsonAsync("/api/v1/users/register", new { username = "nouvel.eleve", password = "mot-de-passe-eleve", email = "nouvel@ac-test.fr" });
        Assert.That(register.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), "sign-up opened without a restart");
        Assert.That((await Users.FindByLoginAsync("nouvel.eleve"))!.VideoQuota, Is.EqualTo(2 * GiB), "with the new default quota");

        await page.GetByLabel("Nom de l'instance").FillAsync("   ");
        await page.GetByLabel("Inscriptions ouvertes").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Le nom de l'instance est obligatoire (120 caractères au plus).");
        Assert.That((await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/config")).GetProperty("signup").GetProperty("allowed").GetBoolean(), Is.True, "a refused form changes nothing");

        await page.GotoAsync("/admin/audit");
        await Assertions.Expect(page.Locator("table.audit tr", new() { HasText = "Modification des paramètres" }).First).ToContainTextAsync("nom, description, inscriptions, quota par défaut");

        // The transcoding ladder and the live limits, saved on the page and reported by /api/v1/config at once.
        await page.GotoAsync("/admin/settings");
        var ladder = page.GetByRole(AriaRole.Group, new() { Name = "Définitions produites pour chaque vidéo envoyée" });
        var live = page.GetByRole(AriaRole.Group, new() { Name = "Directs" });
        await Assertions.Expect(live).ToContainTextAsync("n'est pas activée dans la configuration du serveur");
        await ladder.GetByLabel("1080p").UncheckAsync();
        await ladder.GetByLabel("144p").CheckAsync();
        await live.GetByLabel("Durée maximale d'un direct, en minutes (-1 : sans limite)").FillAsync("90");
        await live.GetByLabel("Directs en cours au plus sur l'instance (-1 : sans limite)").FillAsync("5");
        await live.GetByLabel("Directs en cours au plus par utilisateur (-1 : sans limite)").FillAsync("-5");
        await live.GetByLabel("Enregistrement des directs (rediffusion) autorisé").UncheckAsync();
        var liveLadder = live.GetByRole(AriaRole.Group, new() { Name = "Définitions produites pendant un direct" });
        await liveLadder.GetByLabel("240p").CheckAsync();
        await liveLadder.GetByLabel("480p").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Les limites des directs sont des nombres entiers");
        await page.GetByLabel("Directs en cours au plus par utilisateur (-1 : sans limite)").FillAsync("1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync("Paramètres enregistrés : ils s'appliquent dès maintenant.");
        await Assertions.Expect(page.GetByRole(AriaRole.Group, new() { Name = "Définitions produites pour chaque vidéo envoyée" }).GetByLabel("144p")).ToBeCheckedAsync();

        config = await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/config");
        var liveConfig = config.GetProperty("live");
        Assert.Multiple(() =>
        {
            Assert.That(config.GetProperty("transcoding").GetProperty("enabledResolutions").EnumerateArray().Select(r => r.GetInt32()), Is.EqualTo(new[] { 144, 240, 360, 480, 720 }));
            Assert.That(liveConfig.GetProperty("enabled").GetBoolean(), Is.False, "no ingest in this instance's configuration");
            Assert.That(liveConfig.GetProperty("maxDuration").GetInt64(), Is.EqualTo(90 * 60 * 1000));
            Assert.That(liveConfig.GetProperty("maxInstanceLives").GetInt32(), Is.EqualTo(5));
            Assert.That(liveConfig.GetProperty("maxUserLives").GetInt32(), Is.EqualTo(1));
            Assert.That(liveConfig.GetProperty("allowReplay").GetBoolean(), Is.False);
            Assert.That(liveConfig.GetProperty("transcoding").GetProperty("enabledResolutions").EnumerateArray().Select(r => r.GetInt32()), Is.EqualTo(new[] { 240, 480 }));
        });
        await page.GotoAsync("/admin/audit");
        await Assertions.Expect(page.Locator("table.audit tr", new() { HasText = "Modification des paramètres" }).First).ToContainTextAsync("définitions produites, limites des directs");
    }

    [Test]
    public async Task A_report_made_through_the_api_is_resolved_on_the_page()
    {
        using var teacher = await _instance.CreateUserAsync("prof.martin");
        using var student = await _instance.CreateUserAsync("eleve.report");
        var video = await _instance.SeedVideoAsync("prof.martin_channel", "Leçon signalée");
        using (var bad = await student.PostAsJsonAsync("/api/v1/abuses", new { reason = "x", video = new { id = video.Id } }))
        {
            Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "a reason of one character");
        }
        using (var unknown = await student.PostAsJsonAsync("/api/v1/abuses", new { reason = "Contenu inapproprié", video = new { id = 999999 } }))
        {
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }
        using var created = await student.PostAsJsonAsync("/api/v1/abuses", new { reason = "Contenu inapproprié pour des élèves", predefinedReasons = new[] { "violentOrAbusive" }, video = new { id = video.Uuid } });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.OK), await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("abuse").GetProperty("id").GetInt64();
        using (var forbidden = await student.GetAsync("/api/v1/abuses"))
        {
            Assert.That(forbidden.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "only moderators list reports");
        }

        await using var context = await _chromium.ContextAsync(_instance.BaseUrl);
        var page = await AdminAsync(context);
        await page.GotoAsync("/admin/reports");
        var report = page.Locator($"#report-{id}");
        await Assertions.Expect(report).ToContainTextAsync("Contenu inapproprié pour des élèves");
        await Assertions.Expect(report).ToContainTextAsync("Leçon signalée");
        await report.GetByLabel("Commentaire de modération").FillAsync("Vidéo retirée par l'enseignant");
        await report.GetByRole(AriaRole.Button, new() { Name = $"Accepter le signalement n° {id}", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync($"Signalement n° {id} accepté.");
        await Assertions.Expect(page.Locator($"#report-{id}")).ToHaveCountAsync(0);

        using var admin = _instance.Authed(await _instance.TokenAsync());
        var list = await admin.GetFromJsonAsync<JsonElement>("/api/v1/abuses?state=3");
        var resolved = list.GetProperty("data").EnumerateArray().Single(a => a.GetProperty("id").GetInt64() == id);
        Assert.That(resolved.GetProperty("state").GetProperty("id").GetInt32(), Is.EqualTo(3));
        Assert.That(resolved.GetProperty("moderationComment").GetString(), Is.EqualTo("Vidéo retirée par l'enseignant"));
        Assert.That(resolved.GetProperty("video").GetProperty("uuid").GetString(), Is.EqualTo(video.Uuid));
        Assert.That(resolved.GetProperty("reporterAccount").GetProperty("name").GetString(), Is.EqualTo("eleve.report"));

        // A second report, accepted with the video blocked from the page: hidden from everyone but moderators and its owner.
        using var second = await student.PostAsJsonAsync("/api/v1/abuses", new { reason = "Toujours en ligne", video = new { id = video.Id } });
        var secondId = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("abuse").GetProperty("id").GetInt64();
        await page.GotoAsync("/admin/reports");
        await page.GetByRole(AriaRole.Button, new() { Name = $"Accepter le signalement n° {secondId} et bloquer la vidéo" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync($"Signalement n° {secondId} accepté : la vidéo « Leçon signalée » est bloquée.");
        using (var hidden = await student.GetAsync($"/api/v1/videos/{video.Uuid}"))
        {
            Assert.That(hidden.IsSuccessStatusCode, Is.False, "blocked: hidden from the student");
        }
        var blocked = await admin.GetFromJsonAsync<JsonElement>("/api/v1/videos/blacklist");
        Assert.That(blocked.GetProperty("data").EnumerateArray().Select(b => b.GetProperty("video").GetProperty("uuid").GetString()), Has.Member(video.Uuid));

        await page.GotoAsync("/admin/audit");
        await Assertions.Expect(page.Locator("table.audit tr", new() { HasText = "Signalement traité" }).Filter(new() { HasText = $"#{id}" })).ToContainTextAsync("Accepted");
        await Assertions.Expect(page.Locator("table.audit tr", new() { HasText = "Vidéo bloquée" })).ToContainTextAsync("Leçon signalée");
    }

    [Test]
    public async Task Accounts_and_servers_are_blocked_on_the_moderation_page_and_masked_by_a_user_on_theirs()
    {
        (await _instance.CreateUserAsync("prof.muet")).Dispose();
        (await _instance.CreateUserAsync("eleve.muet")).Dispose();
        await _instance.SeedVideoAsync("prof.muet_channel", "Leçon du compte muet");
        async Task<string[]> ListedAsync() => (await _instance.Http.GetFromJsonAsync<JsonElement>("/api/v1/search/videos?search=compte%20muet"))
            .GetProperty("data").EnumerateArray().Select(v => v.GetProperty("name").GetString()!).ToArray();

        await using var context = await _chromium.ContextAsync(_instance.BaseUrl, width: 390);
        var page = await AdminAsync(context);
        await page.GotoAsync("/admin/users");
        await Assertions.Expect(page.Locator("nav.tabs a[href='/admin/blocklist']")).ToHaveTextAsync("Comptes bloqués");
        await page.GotoAsync("/admin/blocklist");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Comptes bloqués" })).ToBeVisibleAsync();
        await page.GetByLabel("Compte à bloquer").FillAsync("inconnu");
        await page.GetByRole(AriaRole.Button, new() { Name = "Bloquer le compte" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Aucun compte « inconnu » n'est connu de cette plateforme.");
        await page.GetByLabel("Compte à bloquer").FillAsync("prof.muet");
        await page.GetByRole(AriaRole.Button, new() { Name = "Bloquer le compte" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync("Le compte prof.muet est bloqué.");
        await Assertions.Expect(page.Locator("table.blocked-accounts")).ToContainTextAsync("prof.muet");
        Assert.That(await ListedAsync(), Is.Empty, "hidden from everyone");

        await page.GetByLabel("Serveur à bloquer").FillAsync(_instance.Host);
        await page.GetByRole(AriaRole.Button, new() { Name = "Bloquer le serveur" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Vous ne pouvez pas bloquer votre propre serveur.");
        await page.GetByLabel("Serveur à bloquer").FillAsync("videos.ac-muette.fr");
        await page.GetByRole(AriaRole.Button, new() { Name = "Bloquer le serveur" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync("Le serveur videos.ac-muette.fr est bloqué.");
        await Assertions.Expect(page.Locator("table.blocked-servers")).ToContainTextAsync("videos.ac-muette.fr");
        Assert.That((await _instance.Services.GetRequiredService<ServerRepository>().FindAsync("videos.ac-muette.fr", CancellationToken.None))!.Blocked, Is.True);

        await page.GetByRole(AriaRole.Button, new() { Name = "Débloquer prof.muet" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync("Le compte prof.muet est débloqué.");
        await Assertions.Expect(page.Locator("table.blocked-accounts")).ToHaveCountAsync(0);
        Assert.That(await ListedAsync(), Is.EqualTo(new[] { "Leçon du compte muet" }));
        await page.GetByRole(AriaRole.Button, new() { Name = "Débloquer videos.ac-muette.fr" }).ClickAsync();
        await Assertions.Expect(page.Locator(".notice")).ToHaveTextAsync("Le serveur videos.ac-muette.fr est débloqué.");

        await page.GotoAsync("/admin/audit");
        foreach (var (action, target) in new[] { ("Compte bloqué", "prof.muet"), ("Compte débloqué", "prof.muet"), ("Serveur bloqué", "videos.ac-muette.fr"),
            ("Serveur débloqué", "videos.ac-muette.fr") })
        {
            await Assertions.Expect(page.Locator("table.audit tr", new() { HasText = action }).Filter(new() { HasText = target }).First).ToContainTextAsync("root");
        }

        // A student masks the teacher for themself, from their own page: their search no longer shows the lesson, others' still does.
        await using var studentContext = await _chromium.ContextAsync(_instance.BaseUrl, width: 390);
        var student = await studentContext.NewPageAsync();
        await Chromium.LoginAsync(student, "eleve.muet", "password123");
        await student.GotoAsync("/");
        await Assertions.Expect(student.Locator("a[href='/my-account/blocklist']")).ToHaveTextAsync("Comptes et serveurs masqués");
        await student.GotoAsync("/my-account/blocklist");
        await student.GetByLabel("Compte à bloquer").FillAsync("eleve.muet");
        await student.GetByRole(AriaRole.Button, new() { Name = "Bloquer le compte" }).ClickAsync();
        await Assertions.Expect(student.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Vous ne pouvez pas vous bloquer vous-même.");
        await student.GetByLabel("Compte à bloquer").FillAsync("prof.muet");
        await student.GetByRole(AriaRole.Button, new() { Name = "Bloquer le compte" }).ClickAsync();
        await Assertions.Expect(student.Locator(".notice")).ToHaveTextAsync("Le compte prof.muet est bloqué.");
        await student.GotoAsync("/search?q=compte%20muet");
        await Assertions.Expect(student.Locator("main")).Not.ToContainTextAsync("Leçon du compte muet");
        await page.GotoAsync("/search?q=compte%20muet");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Leçon du compte muet");
        Assert.That(await ListedAsync(), Is.EqualTo(new[] { "Leçon du compte muet" }), "a user's mask is theirs alone");
    }
}
