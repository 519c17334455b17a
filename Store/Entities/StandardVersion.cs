namespace DeskVision.Store;

public sealed class StandardVersion
{
    public int Id { get; set; }
    public required string Name { get; set; }
    /// <summary>The version the site gave the file.</summary>
    public required string Version { get; set; }
    /// <summary>Hash of the file's content: the same content is one version, any edit is a new one.</summary>
    public required string ContentHash { get; set; }
    public DateTimeOffset LoadedAt { get; set; }
    /// <summary>
    /// The standard's text exactly as it was read (the site's file, an import, or the text a form edit produced), so the
    /// audits scored with this version can be judged again by exactly it. Null only for versions stored before it was kept.
    /// </summary>
    public string? Content { get; set; }
    /// <summary>When this version last became the one new audits are scored with; null if it never was (a standard
    /// given to <c>deskvision audit --standard</c>, say). The version published last is the current one.</summary>
    public DateTimeOffset? PublishedAt { get; set; }
    /// <summary>Who published it: a user name, or the path of the site's standard file loaded at start-up.</summary>
    public string? PublishedBy { get; set; }
    /// <summary>How it came: <c>file</c>, <c>import</c> (an uploaded file) or <c>form</c> (edited in the app); see <see cref="PublishedStandards"/>.</summary>
    public string? Origin { get; set; }
    public List<Clause> Clauses { get; set; } = [];
}

public sealed class Clause
{
    public int Id { get; set; }
    public int StandardVersionId { get; set; }
    /// <summary>The clause's stable id in the standard, e.g. desk.phone-on-desk.</summary>
    public required string Key { get; set; }
    public required string TitleZh { get; set; }
    public required string TitleEn { get; set; }
    public required string Category { get; set; }
    public required string Severity { get; set; }
    public required string TextZh { get; set; }
    public bool Active { get; set; }
    public double MaxPoints { get; set; }
    /// <summary>The 6S pillar (整理 整顿 清扫 服务 安全 素养) this clause rolled up to in this version; null when unmapped.</summary>
    public string? Pillar { get; set; }
    /// <summary>The rules as loaded, JSON, for the record.</summary>
    public string RulesJson { get; set; } = "[]";
}
