namespace DeskVision.Scoring;

/// <summary>The service standard a site scores against: its clauses and, for those a camera can check, the rules.</summary>
/// <param name="Version">The version the site gave the file, plus a hash of its content, so audits can say exactly what judged them.</param>
public sealed record Standard(string Name, string Version, string ContentHash, IReadOnlyList<Clause> Clauses)
{
    public IEnumerable<Clause> Scored => Clauses.Where(c => c.Active && c.Rules.Count > 0);

    public Clause? Find(string id) => Clauses.FirstOrDefault(c => c.Id == id);
}

/// <summary>One clause of the standard, quoted from its source documents.</summary>
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
    double MaxPoints);

public sealed record ClauseSource(string File, string Section, string TextZh);

public enum RuleKind
{
    /// <summary>A detected object of one of the labels lies in a zone of one of the kinds: one violation per object.</summary>
    ObjectInZone,
    /// <summary>No object of the labels lies in a zone of the kinds (e.g. nobody in the seat): one violation per zone.</summary>
    AbsentFromZone,
}

/// <summary>How a clause is checked on one snapshot.</summary>
public sealed record Rule(RuleKind Kind, IReadOnlySet<string> Labels, IReadOnlySet<ZoneKind> Zones, double MinConfidence, double Points);
