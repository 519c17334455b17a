using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DeskVision.Scoring;
using YamlDotNet.RepresentationModel;

namespace DeskVision.Web.Standards;

/// <summary>
/// The standard edited in a web form: which clauses are active, their severity and per-audit cap, each rule's points and
/// confidence threshold, and the version label. The edits are made in the text of the version the form was opened on,
/// value by value at the places the YAML parser reports, so the comments and layout of the site's file survive and the
/// new version differs from the old by just those values. The result is read by <see cref="StandardFile"/> like any
/// file, so the form can never save what a file could not hold.
/// </summary>
public static partial class StandardEdits
{
    /// <summary>One value to change. <paramref name="Field"/> is the form field's name (see <see cref="FieldName"/>).</summary>
    public sealed record Edit(string Field, string Value);

    /// <summary>A problem with one form field (or the whole form, <see cref="Field"/> "form"), in words a person can act on.</summary>
    /// <param name="Entry">The clause and rule it concerns, as the file reader names them.</param>
    /// <param name="Line">The line in the text the edit produced.</param>
    public sealed record FieldError(string Field, string Entry, long Line, string Message);

    /// <summary>
    /// The form field for a value: <c>version</c>, <c>c{i}.active</c>, <c>c{i}.severity</c>, <c>c{i}.max_points</c>,
    /// <c>c{i}.r{j}.points</c>, <c>c{i}.r{j}.min_confidence</c>; i and j are the clause's and rule's places in the file.
    /// </summary>
    public static string FieldName(int clause, string key, int? rule = null) => rule is int r ? $"c{clause}.r{r}.{key}" : $"c{clause}.{key}";

    public static readonly IReadOnlyList<string> ClauseFields = ["active", "severity", "max_points"];
    public static readonly IReadOnlyList<string> RuleFields = ["points", "min_confidence"];

    /// <summary>
    /// The edits a submitted form makes to <paramref name="current"/>: only the values that differ from it (so saving an
    /// untouched form changes nothing).
    /// </summary>
    public static IReadOnlyList<Edit> Changes(Standard current, Func<string, string?> form)
    {
        var edits = new List<Edit>();
        string? version = form("version")?.Trim();
        if (version is not null && version != current.Version) edits.Add(new Edit("version", version));
        for (int i = 0; i < current.Clauses.Count; i++)
        {
            var clause = current.Clauses[i];
            if (form(FieldName(i, "severity")) is { } severity && severity != clause.Severity) edits.Add(new Edit(FieldName(i, "severity"), severity));
            // Only a clause with rules can be switched on; the form offers no switch for the others.
            if (clause.Rules.Count == 0) continue;
            // The form sends a hidden "false" before the checkbox's "true" (an unticked box sends nothing), so a missing
            // field means "not in this form", never "switched off".
            if (form(FieldName(i, "active")) is { } sent)
            {
                bool active = sent.Split(',').Any(v => v is "true" or "on");
                if (active != clause.Active) edits.Add(new Edit(FieldName(i, "active"), active ? "true" : "false"));
            }
            AddIfChanged(edits, FieldName(i, "max_points"), form(FieldName(i, "max_points")), clause.MaxPoints);
            for (int j = 0; j < clause.Rules.Count; j++)
            {
                AddIfChanged(edits, FieldName(i, "points", j), form(FieldName(i, "points", j)), clause.Rules[j].Points);
                AddIfChanged(edits, FieldName(i, "min_confidence", j), form(FieldName(i, "min_confidence", j)), clause.Rules[j].MinConfidence);
            }
        }
        return edits;
    }

    private static void AddIfChanged(List<Edit> edits, string field, string? submitted, double current)
    {
        if (submitted is null) return;
        string value = submitted.Trim();
        // "6" and "6.0" are the same number: no edit. Anything that is not a number is an edit, which the reader refuses by name.
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d == current) return;
        edits.Add(new Edit(field, value));
    }

    /// <summary>
    /// The text with the edits made, or every problem: each edit is first tried alone (so every wrong field is named at
    /// once, not only the first), then all together.
    /// </summary>
    /// <param name="name">What errors call the text, e.g. "standard (form)".</param>
    public static (string? Text, Standard? Standard, IReadOnlyList<FieldError> Errors) Apply(string baseText, IReadOnlyList<Edit> edits,
        string name, IReadOnlyCollection<string> labels)
    {
        var errors = new List<FieldError>();
        foreach (var edit in edits)
        {
            string alone;
            try { alone = Rewrite(baseText, [edit]); }
            catch (ArgumentException e) { errors.Add(new FieldError(edit.Field, "form", 0, e.Message)); continue; }
            if (Check(alone, name, labels, out _) is { } error) errors.Add(error.Field == "form" ? error with { Field = edit.Field } : error);
        }
        if (errors.Count > 0) return (null, null, errors);
        string text = Rewrite(baseText, edits);
        return Check(text, name, labels, out var standard) is { } whole ? (null, null, [whole]) : (text, standard, []);
    }

    private static FieldError? Check(string text, string name, IReadOnlyCollection<string> labels, out Standard? standard)
    {
        try
        {
            standard = StandardFile.Parse(name, text, labels);
            return null;
        }
        catch (ConfigException e)
        {
            standard = null;
            return new FieldError(FieldFor(e.Entry, e.Field) ?? "form", e.Entry, e.Line, $"'{e.Field}' {Problem(e)}");
        }
    }

    /// <summary>The problem alone, without the file, line, entry and field the message starts with (the form shows those next to the field).</summary>
    public static string Problem(ConfigException e)
    {
        string marker = $"'{e.Field}' ";
        int at = e.Message.IndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? e.Message : e.Message[(at + marker.Length)..];
    }

    /// <summary>Maps an error of the reader to the form field it concerns, if the form has one.</summary>
    public static string? FieldFor(string entry, string field)
    {
        if (entry == "document") return field == "version" ? "version" : null;
        var m = EntryPattern().Match(entry);
        if (!m.Success) return null;
        int clause = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        if (m.Groups[2].Success)
            return RuleFields.Contains(field) ? FieldName(clause, field, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)) : null;
        return ClauseFields.Contains(field) ? FieldName(clause, field) : null;
    }

    [GeneratedRegex(@"^clauses\[(\d+)\] \(.*\)(?:\.rules\[(\d+)\])?$")]
    private static partial Regex EntryPattern();

    [GeneratedRegex(@"^c(\d+)\.(?:r(\d+)\.)?([a-z_]+)$")]
    private static partial Regex FieldPattern();

    /// <summary>
    /// Writes the values into the text where the parser found them; a field the clause or rule does not have yet is
    /// added after its first field (<c>id</c> of a clause, <c>when</c> of a rule), in block or flow style as the entry is.
    /// </summary>
    public static string Rewrite(string text, IReadOnlyList<Edit> edits)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var clauses = root.Children.TryGetValue(new YamlScalarNode("clauses"), out var c) && c is YamlSequenceNode seq ? seq : null;
        var changes = new List<(int Start, int End, string Insert)>();
        foreach (var edit in edits)
        {
            string value = Scalar(edit.Value);
            if (edit.Field == "version")
            {
                changes.Add(Set(root, "version", value, after: "standard"));
                continue;
            }
            var m = FieldPattern().Match(edit.Field);
            if (!m.Success || clauses is null) throw new ArgumentException($"'{edit.Field}' is not a field of this form");
            int i = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            string key = m.Groups[3].Value;
            if (i >= clauses.Children.Count || clauses.Children[i] is not YamlMappingNode clause) throw new ArgumentException($"the standard has no clause {i}");
            if (!m.Groups[2].Success)
            {
                if (!ClauseFields.Contains(key)) throw new ArgumentException($"'{key}' cannot be edited in the form");
                changes.Add(Set(clause, key, value, after: "id"));
                continue;
            }
            int j = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (!RuleFields.Contains(key)) throw new ArgumentException($"'{key}' cannot be edited in the form");
            if (!clause.Children.TryGetValue(new YamlScalarNode("rules"), out var r) || r is not YamlSequenceNode rules
                || j >= rules.Children.Count || rules.Children[j] is not YamlMappingNode rule)
                throw new ArgumentException($"clause {i} has no rule {j}");
            changes.Add(Set(rule, key, value, after: "when"));
        }
        // From the end of the text backwards, so each place the parser gave is still where it was.
        var result = new StringBuilder(text);
        foreach (var (start, end, insert) in changes.OrderByDescending(x => x.Start))
            result.Remove(start, end - start).Insert(start, insert);
        return result.ToString();
    }

    private static (int Start, int End, string Insert) Set(YamlMappingNode map, string key, string value, string after)
    {
        if (map.Children.TryGetValue(new YamlScalarNode(key), out var node))
        {
            if (node is not YamlScalarNode) throw new ArgumentException($"'{key}' is not a single value in the text and cannot be edited in the form");
            return ((int)node.Start.Index, (int)node.End.Index, value);
        }
        var anchor = map.Children.FirstOrDefault(p => p.Key is YamlScalarNode { Value: var k } && k == after);
        if (anchor.Key is null || anchor.Value is not YamlScalarNode) throw new ArgumentException($"cannot add '{key}': the entry has no '{after}' to put it after");
        int at = (int)anchor.Value.End.Index;
        string insert = map.Style == YamlDotNet.Core.Events.MappingStyle.Flow
            ? $", {key}: {value}"
            : $"\n{new string(' ', (int)anchor.Key.Start.Column - 1)}{key}: {value}";
        return (at, at, insert);
    }

    /// <summary>A value as a YAML scalar: plain when that reads back as the same text, else single-quoted.</summary>
    public static string Scalar(string value)
    {
        value = value.ReplaceLineEndings(" ");
        return PlainScalar().IsMatch(value) ? value : $"'{value.Replace("'", "''")}'";
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._+-]*$")]
    private static partial Regex PlainScalar();
}
