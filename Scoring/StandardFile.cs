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
    };

    /// <param name="knownLabels">The detector's class names; rules naming any other label are rejected. Null skips that check.</param>
    public static Standard Load(string path, IReadOnlyCollection<string>? knownLabels = null)
    {
        var root = ConfigNode.Load(path);
        return Read(root, Hash(File.ReadAllBytes(path)), knownLabels);
    }

    public static Standard Parse(string name, string text, IReadOnlyCollection<string>? knownLabels = null) =>
        Read(ConfigNode.Parse(name, text), Hash(Encoding.UTF8.GetBytes(text)), knownLabels);

    private static Standard Read(ConfigNode root, string hash, IReadOnlyCollection<string>? knownLabels)
    {
        root.RejectUnknown("standard", "version", "default_max_points", "clauses");
        string name = root.String("standard");
        string version = root.String("version");
        double defaultCap = root.Number("default_max_points", 0, 100, 10);

        var clauses = new List<Clause>();
        var seen = new HashSet<string>();
        foreach (var c in root.Entries("clauses", (e, i) => $"clauses[{i}] ({e.OptionalString("id") ?? "no id"})"))
        {
            c.RejectUnknown("id", "title_zh", "title_en", "category", "visual", "severity", "text_zh", "sources",
                "evidence", "notes", "deduction_points", "deduction_rule_zh", "active", "rules", "max_points");
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

            clauses.Add(new Clause(id, c.String("title_zh"), c.String("title_en"), category,
                OneOf(c, "visual", VisualLevels), OneOf(c, "severity", Severities), c.String("text_zh"), sources, active, rules,
                c.Number("max_points", 0, 100, Math.Max(defaultCap, rules.Count == 0 ? 0 : rules.Max(r => r.Points)))));
        }
        if (clauses.Count == 0) throw root.Error("clauses", "must list at least one clause");
        return new Standard(name, version, hash, clauses);
    }

    private static Rule ReadRule(ConfigNode r, IReadOnlyCollection<string>? knownLabels)
    {
        r.RejectUnknown("when", "labels", "zones", "min_confidence", "points");
        string when = r.String("when");
        if (!RuleKinds.TryGetValue(when, out var kind))
            throw r.Error("when", $"must be one of {string.Join(", ", RuleKinds.Keys)}, got '{when}'");
        var labels = r.Strings("labels");
        if (knownLabels is not null)
            foreach (string label in labels)
                if (!knownLabels.Contains(label))
                    throw r.Error("labels", $"names '{label}', which the detector does not know (it knows e.g. {string.Join(", ", knownLabels.Take(6))}, ...)");
        var zones = new HashSet<ZoneKind>();
        foreach (string z in r.Strings("zones"))
            zones.Add(ZoneKinds.TryParse(z, out var k) ? k : throw r.Error("zones", $"names zone kind '{z}'; known kinds: {string.Join(", ", ZoneKinds.Names)}"));
        return new Rule(kind, labels.ToHashSet(), zones, r.Number("min_confidence", 0, 1, 0.25), r.Number("points", 0, 100));
    }

    private static string OneOf(ConfigNode node, string field, IReadOnlyList<string> allowed)
    {
        string v = node.String(field);
        return allowed.Contains(v) ? v : throw node.Error(field, $"must be one of {string.Join(", ", allowed)}, got '{v}'");
    }

    private static string Hash(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content))[..12];
}
