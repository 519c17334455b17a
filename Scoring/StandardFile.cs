using System.Security.Cryptography;
using System.Text;

namespace DeskVision.Scoring;

/// <summary>Reads and validates a standard file (see <c>standards/service-standard.yaml</c> for the format).</summary>
public static class StandardFile
{
    public static readonly IReadOnlyList<string> Categories = ["environment", "desk", "appearance", "behaviour", "presence", "signage", "process"];
    private static readonly string[] VisualLevels = ["full", "partial", "none"];
    private static readonly string[] Severities = ["minor", "major"];
    private static readonly Dictionary<string, RuleKind> RuleKinds = new()
    {
        ["object-in-zone"] = RuleKind.ObjectInZone,
        ["absent-from-zone"] = RuleKind.AbsentFromZone,
        ["crowd-in-zone"] = RuleKind.CrowdInZone,
        ["below-desk-line"] = RuleKind.BelowDeskLine,
        ["not-allowed-in-zone"] = RuleKind.NotAllowedInZone,
    };

    /// <param name="knownLabels">The detector's class names; rules naming any other label are rejected. Null skips that check.</param>
    public static Standard Load(string path, IReadOnlyCollection<string>? knownLabels = null) =>
        Parse(path, ConfigNode.ReadText(path), knownLabels);

    /// <param name="name">What errors call the text: a file name, or e.g. "standard version 7".</param>
    /// <remarks>The content hash is of the text as UTF-8 (a byte-order mark is not part of it), so a version stored as
    /// text and read back has the hash of the file it came from.</remarks>
    public static Standard Parse(string name, string text, IReadOnlyCollection<string>? knownLabels = null) =>
        Read(ConfigNode.Parse(name, text), Hash(Encoding.UTF8.GetBytes(text)), knownLabels);

    private static Standard Read(ConfigNode root, string hash, IReadOnlyCollection<string>? knownLabels)
    {
        root.RejectUnknown("standard", "version", "default_max_points", "pillars", "clauses");
        string name = root.String("standard");
        string version = root.String("version");
        double defaultCap = root.Number("default_max_points", 0, 100, 10);
        var pillars = ReadPillars(root);

        var clauses = new List<Clause>();
        var seen = new HashSet<string>();
        foreach (var c in root.Entries("clauses", (e, i) => $"clauses[{i}] ({e.OptionalString("id") ?? "no id"})"))
        {
            c.RejectUnknown("id", "title_zh", "title_en", "category", "visual", "severity", "text_zh", "sources",
                "evidence", "notes", "deduction_points", "deduction_rule_zh", "active", "rules", "max_points", "pillar");
            string id = c.String("id");
            string category = OneOf(c, "category", Categories);
            if (!id.StartsWith(category + ".", StringComparison.Ordinal) || id.Length <= category.Length + 1)
                throw c.Error("id", $"must be '<category>.<slug>' with category '{category}', got '{id}'");
            if (!seen.Add(id)) throw c.Error("id", $"'{id}' appears twice");

            var sources = c.Entries("sources", (_, i) => $"{c.Entry}.sources[{i}]")
                .Select(s => new ClauseSource(s.String("file"), s.String("section"), s.String("text_zh"))).ToList();
            if (sources.Count == 0) throw c.Error("sources", "must quote at least one source document");

            var rules = c.Entries("rules", (_, i) => $"{c.Entry}.rules[{i}]", required: false)
                .Select(r => ReadRule(r, knownLabels)).ToList();
            bool active = c.Bool("active", rules.Count > 0);
            if (active && rules.Count == 0 && c.Has("active"))
                throw c.Error("active", "is true but the clause has no rules a camera could check");

            string? pillar = c.Has("pillar") ? OneOf(c, "pillar", Standard.SixPillars) : null;
            if (pillar is null && pillars is not null && !pillars.TryGetValue(category, out pillar))
                throw root.Error("pillars", $"does not give a pillar for category '{category}' (used by clause {id}); add it to one of {string.Join(" ", Standard.SixPillars)}");

            clauses.Add(new Clause(id, c.String("title_zh"), c.String("title_en"), category,
                OneOf(c, "visual", VisualLevels), OneOf(c, "severity", Severities), c.String("text_zh"), sources, active, rules,
                c.Number("max_points", 0, 100, Math.Max(defaultCap, rules.Count == 0 ? 0 : rules.Max(r => r.Points))), pillar));
        }
        if (clauses.Count == 0) throw root.Error("clauses", "must list at least one clause");
        return new Standard(name, version, hash, clauses, pillars);
    }

    /// <summary>
    /// <c>pillars:</c> maps each 6S pillar to the categories that roll up to it. Optional; when present it must name all
    /// six pillars (<c>[]</c> for none) and give every category a clause uses exactly one pillar.
    /// </summary>
    private static Dictionary<string, string>? ReadPillars(ConfigNode root)
    {
        if (!root.Has("pillars")) return null;
        var section = root.Section("pillars")!;
        section.RejectUnknown([.. Standard.SixPillars]);
        var byCategory = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pillar in Standard.SixPillars)
        {
            if (!section.Has(pillar)) throw section.Error(pillar, "is missing: list the categories of this pillar, or [] for none");
            foreach (string category in section.Strings(pillar, required: false))
            {
                if (!Categories.Contains(category))
                    throw section.Error(pillar, $"names category '{category}'; known categories: {string.Join(", ", Categories)}");
                if (byCategory.TryGetValue(category, out string? other))
                    throw section.Error(pillar, $"names category '{category}', which is already under {other}: a category belongs to one pillar");
                byCategory[category] = pillar;
            }
        }
        return byCategory;
    }

    private static Rule ReadRule(ConfigNode r, IReadOnlyCollection<string>? knownLabels)
    {
        r.RejectUnknown("when", "labels", "zones", "min_confidence", "points", "consecutive", "min_count", "allowed", "excused_by");
        string when = r.String("when");
        if (!RuleKinds.TryGetValue(when, out var kind))
            throw r.Error("when", $"must be one of {string.Join(", ", RuleKinds.Keys)}, got '{when}'");
        // A not-allowed rule looks at every label except the allowed ones, so it names no labels of its own.
        var labels = kind == RuleKind.NotAllowedInZone ? [] : Labels(r, "labels", knownLabels);
        var rule = new Rule(kind, labels.ToHashSet(), ZoneKindsOf(r, "zones"), r.Number("min_confidence", 0, 1, 0.25), r.Number("points", 0, 100))
        {
            Consecutive = WholeNumber(r, "consecutive", 1, 20, 1),
            MinCount = WholeNumber(r, "min_count", 1, 20, kind == RuleKind.CrowdInZone ? 2 : 1),
        };
        if (kind == RuleKind.NotAllowedInZone) rule = rule with { Allowed = Labels(r, "allowed", knownLabels).ToHashSet() };
        else if (r.Has("allowed")) throw r.Error("allowed", $"is only read by when: not-allowed-in-zone, not by '{when}'");
        if (r.Section("excused_by") is { } excuse)
        {
            excuse.RejectUnknown("labels", "zones", "min_confidence");
            rule = rule with
            {
                ExcusedBy = new Excuse(Labels(excuse, "labels", knownLabels).ToHashSet(), ZoneKindsOf(excuse, "zones"), excuse.Number("min_confidence", 0, 1, 0.25)),
            };
        }
        return rule;
    }

    /// <summary>Detector class names, or the reference checks' <see cref="SceneLabels"/>; anything else is a typo.</summary>
    private static IReadOnlyList<string> Labels(ConfigNode r, string field, IReadOnlyCollection<string>? knownLabels)
    {
        var labels = r.Strings(field);
        if (knownLabels is not null)
            foreach (string label in labels)
                if (!knownLabels.Contains(label) && !SceneLabels.All.Contains(label))
                    throw r.Error(field, $"names '{label}', which the detector does not know (it knows e.g. {string.Join(", ", knownLabels.Take(6))}, ..., and the reference checks' {string.Join(", ", SceneLabels.All)})");
        return labels;
    }

    private static int WholeNumber(ConfigNode r, string field, int min, int max, int fallback)
    {
        double n = r.Number(field, min, max, fallback);
        return n == Math.Floor(n) ? (int)n : throw r.Error(field, $"must be a whole number, got {n}");
    }

    private static HashSet<ZoneKind> ZoneKindsOf(ConfigNode r, string field)
    {
        var zones = new HashSet<ZoneKind>();
        foreach (string z in r.Strings(field))
            zones.Add(ZoneKinds.TryParse(z, out var k) ? k : throw r.Error(field, $"names zone kind '{z}'; known kinds: {string.Join(", ", ZoneKinds.Names)}"));
        return zones;
    }

    private static string OneOf(ConfigNode node, string field, IReadOnlyList<string> allowed)
    {
        string v = node.String(field);
        return allowed.Contains(v) ? v : throw node.Error(field, $"must be one of {string.Join(", ", allowed)}, got '{v}'");
    }

    private static string Hash(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content))[..12];
}
