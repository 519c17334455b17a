namespace DeskVision.Scoring;

/// <summary>The service standard a site scores against: its clauses and, for those a camera can check, the rules.</summary>
/// <param name="Version">The version the site gave the file, plus a hash of its content, so audits can say exactly what judged them.</param>
/// <param name="Pillars">Category → 6S pillar, from the file's <c>pillars:</c>; empty when the file has none.</param>
public sealed record Standard(string Name, string Version, string ContentHash, IReadOnlyList<Clause> Clauses,
    IReadOnlyDictionary<string, string>? Pillars = null)
{
    /// <summary>The six pillars of the 6S service idea, in the order the seed (000 一) names them.</summary>
    public static readonly IReadOnlyList<string> SixPillars = ["整理", "整顿", "清扫", "服务", "安全", "素养"];

    public IEnumerable<Clause> Scored => Clauses.Where(c => c.Active && c.Rules.Count > 0);

    public Clause? Find(string id) => Clauses.FirstOrDefault(c => c.Id == id);

    /// <summary>The most snapshots in a row any scored rule looks at: how much history an audit needs.</summary>
    public int LongestRun => Scored.SelectMany(c => c.Rules).Select(r => r.Consecutive).DefaultIfEmpty(1).Max();

    /// <summary>The zone kinds any scored rule or excuse looks at: only what happens there can change a score.</summary>
    public IReadOnlySet<ZoneKind> ZonesJudged => Scored.SelectMany(c => c.Rules)
        .SelectMany(r => r.ExcusedBy is null ? r.Zones : r.Zones.Concat(r.ExcusedBy.Zones)).ToHashSet();

    public string? PillarOf(string category) => Pillars is not null && Pillars.TryGetValue(category, out var p) ? p : null;
}

/// <summary>One clause of the standard, quoted from its source documents.</summary>
/// <param name="Pillar">The 6S pillar it rolls up to: its own <c>pillar:</c> if set, else its category's.</param>
public sealed record Clause(
    string Id,
    string TitleZh,
    string TitleEn,
    string Category,
    string Visual,
    string Severity,
    string TextZh,
    IReadOnlyList<ClauseSource> Sources,
    bool Active,
    IReadOnlyList<Rule> Rules,
    double MaxPoints,
    string? Pillar = null);

public sealed record ClauseSource(string File, string Section, string TextZh);

public enum RuleKind
{
    /// <summary>A detected object of one of the labels lies in a zone of one of the kinds: one violation per object.</summary>
    ObjectInZone,
    /// <summary>No object of the labels lies in a zone of the kinds (e.g. nobody in the seat): one violation per zone.</summary>
    AbsentFromZone,
    /// <summary>At least <see cref="Rule.MinCount"/> objects of the labels in one zone (two staff chatting at one window): one violation per zone.</summary>
    CrowdInZone,
    /// <summary>An object of the labels in a zone whose box top lies below the camera's desk line (slumped on the desk): one per object.</summary>
    BelowDeskLine,
    /// <summary>A detected object in a zone whose label is not in <see cref="Rule.Allowed"/>, and that no other clause already took: one per object.</summary>
    NotAllowedInZone,
}

/// <summary>How a clause is checked on one snapshot (and, with <see cref="Consecutive"/> above 1, on the snapshots before it).</summary>
public sealed record Rule(RuleKind Kind, IReadOnlySet<string> Labels, IReadOnlySet<ZoneKind> Zones, double MinConfidence, double Points)
{
    /// <summary>Snapshots in a row (this one and those before it in the burst) on which the rule must hold before it is a violation.</summary>
    public int Consecutive { get; init; } = 1;

    /// <summary>For <see cref="RuleKind.CrowdInZone"/>: how many objects make a crowd.</summary>
    public int MinCount { get; init; } = 1;

    /// <summary>For <see cref="RuleKind.NotAllowedInZone"/>: the labels that may be there.</summary>
    public IReadOnlySet<string> Allowed { get; init; } = new HashSet<string>();

    /// <summary>A finding that excuses the rule on a snapshot (the "暂停服务" sign on the counter excuses an empty seat).</summary>
    public Excuse? ExcusedBy { get; init; }
}

/// <summary>An object of <paramref name="Labels"/> in a zone of <paramref name="Zones"/> at <paramref name="MinConfidence"/> or more.</summary>
public sealed record Excuse(IReadOnlySet<string> Labels, IReadOnlySet<ZoneKind> Zones, double MinConfidence);
