using System.Globalization;
using VideoPlatform.Core.Domain;

namespace VideoPlatform.Core.Accounts;

/// <summary>One valid line of a staff import: quota null means the instance default for the role.</summary>
public sealed record StaffRow(int Line, string Username, string Email, UserRole Role, string? AcademyRole, long? Quota);

/// <summary>A line that cannot be imported, and why (French, shown as is on the admin page).</summary>
public sealed record StaffRowError(int Line, string Message);

/// <summary>
/// The staff CSV (<c>username,email,role,quota</c>, comma or semicolon separated as spreadsheets export it, an optional
/// header line): roles <c>administrateur</c>, <c>moderateur</c>, <c>enseignant</c>, <c>eleve</c> (accents and English
/// accepted); quota in bytes or with a unit (<c>500M</c>, <c>10G</c>), <c>-1</c> unlimited, empty for the default.
/// </summary>
public static class StaffCsv
{
    public const int MaxLines = 5000;

    public static (IReadOnlyList<StaffRow> Rows, IReadOnlyList<StaffRowError> Errors) Parse(string text)
    {
        var rows = new List<StaffRow>();
        var errors = new List<StaffRowError>();
        var usernames = new HashSet<string>(StringComparer.Ordinal);
        var emails = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n');
        if (lines.Length > MaxLines)
        {
            errors.Add(new StaffRowError(0, $"Le fichier dépasse {MaxLines} lignes : découpez-le."));
            return (rows, errors);
        }
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim().TrimStart('\uFEFF');
            var number = i + 1;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var separator = line.Contains(';', StringComparison.Ordinal) ? ';' : ',';
            var cells = line.Split(separator).Select(c => c.Trim().Trim('"').Trim()).ToArray();
            if (rows.Count == 0 && errors.Count == 0 && string.Equals(cells[0], "username", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            if (cells.Length is < 3 or > 4)
            {
                errors.Add(new StaffRowError(number, "4 colonnes attendues : identifiant, adresse électronique, rôle, quota."));
                continue;
            }
            var username = cells[0].ToLowerInvariant();
            var email = cells[1];
            if (AccountService.ValidateUsername(username) is not null)
            {
                errors.Add(new StaffRowError(number, $"« {cells[0]} » n'est pas un identifiant valide (lettres minuscules, chiffres, « . » ou « _ », 50 au plus)."));
                continue;
            }
            var at = email.IndexOf('@', StringComparison.Ordinal);
            if (email.Length is < 3 or > 400 || at <= 0 || at == email.Length - 1 || email.Contains(' ', StringComparison.Ordinal))
            {
                errors.Add(new StaffRowError(number, $"« {email} » n'est pas une adresse électronique valide."));
                continue;
            }
            if (ParseRole(cells[2]) is not { } role)
            {
                errors.Add(new StaffRowError(number, $"Rôle « {cells[2]} » inconnu : administrateur, moderateur, enseignant ou eleve."));
                continue;
            }
            long? quota = null;
            if (cells.Length == 4 && cells[3].Length > 0)
            {
                if (ParseSize(cells[3]) is not { } size)
                {
                    errors.Add(new StaffRowError(number, $"Quota « {cells[3]} » invalide : un nombre d'octets, avec une unité (500M, 10G) ou -1 pour illimité."));
                    continue;
                }
                quota = size;
            }
            if (!usernames.Add(username))
            {
                errors.Add(new StaffRowError(number, $"L'identifiant « {username} » figure déjà plus haut dans le fichier."));
                continue;
            }
            if (!emails.Add(email))
            {
                errors.Add(new StaffRowError(number, $"L'adresse « {email} » figure déjà plus haut dans le fichier."));
                continue;
            }
            rows.Add(new StaffRow(number, username, email, role.Role, role.Academy, quota));
        }
        return (rows, errors);
    }

    public static (UserRole Role, string? Academy)? ParseRole(string value) =>
        Fold(value) switch
        {
            "administrateur" or "administrator" or "admin" or "0" => (UserRole.Administrator, null),
            "moderateur" or "moderator" or "1" => (UserRole.Moderator, null),
            "enseignant" or "professeur" or "teacher" => (UserRole.User, AcademyRoles.Teacher),
            "eleve" or "student" => (UserRole.User, AcademyRoles.Student),
            "utilisateur" or "user" or "2" => (UserRole.User, null),
            _ => null,
        };

    /// <summary>Bytes, or a number with K, M, G or T (binary units, as PeerTube's quota choices), or -1.</summary>
    public static long? ParseSize(string value)
    {
        var text = value.Trim().ToUpperInvariant().Replace(" ", "", StringComparison.Ordinal).TrimEnd('B', 'O');
        if (text == "-1")
        {
            return -1;
        }
        var multiplier = 1L;
        if (text.Length > 0 && "KMGT".Contains(text[^1], StringComparison.Ordinal))
        {
            multiplier = text[^1] switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, _ => 1L << 40 };
            text = text[..^1];
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= long.MaxValue / multiplier ? n * multiplier : null;
    }

    private static string Fold(string value)
    {
        var decomposed = value.Trim().ToLowerInvariant().Normalize(System.Text.NormalizationForm.FormD);
        return new string(decomposed.Where(ch => CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark).ToArray());
    }
}
