using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DeskVision.Scoring;

/// <summary>
/// A YAML mapping read field by field, so every error can say which file, line, entry and field is wrong.
/// (Deserialising straight into classes loses the line numbers that make an error fixable.)
/// </summary>
public sealed class ConfigNode
{
    private readonly YamlMappingNode _map;
    public string File { get; }
    public string Entry { get; }
    public long Line => _map.Start.Line;

    private ConfigNode(string file, string entry, YamlMappingNode map) { File = file; Entry = entry; _map = map; }

    public static ConfigNode Load(string path) => Parse(path, ReadText(path));

    /// <summary>A configuration file's text; a file that cannot be read is a <see cref="ConfigException"/> naming it.</summary>
    public static string ReadText(string path)
    {
        try { return System.IO.File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, 0, "file", "(file)", $"cannot be read: {e.Message}");
        }
    }

    public static ConfigNode Parse(string file, string text)
    {
        // Scan the events first: for some malformed input (an unclosed [ list, say) YamlDotNet throws an
        // InvalidOperationException without a position; the last good event tells where it went wrong.
        var parser = new Parser(new StringReader(text));
        long lastLine = 1;
        try
        {
            while (parser.MoveNext()) lastLine = parser.Current!.End.Line;
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            long line = e is YamlException y ? y.Start.Line : lastLine;
            throw new ConfigException(file, line, "document", "(syntax)", $"is not valid YAML: {(e is YamlException ? e.Message : "unexpected end of a [ ] or { } collection")}");
        }
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            long line = e is YamlException y ? y.Start.Line : lastLine;
            throw new ConfigException(file, line, "document", "(syntax)", $"is not valid YAML: {e.Message}");
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ConfigException(file, 1, "document", "(root)", "must be a mapping of fields");
        return new ConfigNode(file, "document", root);
    }

    public ConfigException Error(string field, string problem) => new(File, LineOf(field), Entry, field, problem);

    private long LineOf(string field) => _map.Children.TryGetValue(new YamlScalarNode(field), out var v) ? v.Start.Line : Line;

    private YamlNode? Find(string field) => _map.Children.TryGetValue(new YamlScalarNode(field), out var v) ? v : null;

    public bool Has(string field) => Find(field) is not null and not YamlScalarNode { Value: null or "" or "~" or "null" };

    public string String(string field) => OptionalString(field) ?? throw Error(field, "is required");

    public string? OptionalString(string field) => Find(field) switch
    {
        null => null,
        YamlScalarNode { Value: null or "" or "~" or "null" } => null,
        YamlScalarNode s => s.Value,
        _ => throw Error(field, "must be a single value"),
    };

    public double Number(string field, double min, double max, double? fallback = null)
    {
        string? s = OptionalString(field);
        if (s is null) return fallback ?? throw Error(field, "is required");
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || double.IsNaN(d))
            throw Error(field, $"must be a number, got '{s}'");
        if (d < min || d > max) throw Error(field, $"must be between {min} and {max}, got {s}");
        return d;
    }

    public bool Bool(string field, bool fallback)
    {
        string? s = OptionalString(field);
        return s switch
        {
            null => fallback,
            "true" or "yes" => true,
            "false" or "no" => false,
            _ => throw Error(field, $"must be true or false, got '{s}'"),
        };
    }

    public IReadOnlyList<string> Strings(string field, bool required = true)
    {
        var node = Find(field);
        if (node is null) return required ? throw Error(field, "is required") : [];
        if (node is YamlScalarNode one && one.Value is { Length: > 0 } v) return [v];
        if (node is not YamlSequenceNode seq) throw Error(field, "must be a list of values");
        var list = new List<string>();
        foreach (var item in seq)
            list.Add(item is YamlScalarNode { Value: { Length: > 0 } s } ? s : throw Error(field, "must hold only plain values"));
        if (required && list.Count == 0) throw Error(field, "must not be empty");
        return list;
    }

    /// <summary>The mappings of a list field; <paramref name="name"/> gives each entry a readable name for errors.</summary>
    public IEnumerable<ConfigNode> Entries(string field, Func<ConfigNode, int, string> name, bool required = true)
    {
        var node = Find(field);
        if (node is null)
        {
            if (required) throw Error(field, "is required");
            yield break;
        }
        if (node is not YamlSequenceNode seq) throw Error(field, "must be a list");
        for (int i = 0; i < seq.Children.Count; i++)
        {
            if (seq.Children[i] is not YamlMappingNode map)
                throw new ConfigException(File, seq.Children[i].Start.Line, $"{field}[{i}]", field, "entries must be mappings of fields");
            var entry = new ConfigNode(File, $"{field}[{i}]", map);
            yield return new ConfigNode(File, name(entry, i), map);
        }
    }

    /// <summary>A nested mapping, or null when the field is absent.</summary>
    public ConfigNode? Section(string field) => Find(field) switch
    {
        null => null,
        YamlMappingNode map => new ConfigNode(File, Entry == "document" ? field : $"{Entry}.{field}", map),
        _ => throw Error(field, "must be a mapping of fields"),
    };

    /// <summary>A list of [x, y] pairs.</summary>
    public IReadOnlyList<(double X, double Y)> Points(string field, double min, double max)
    {
        var node = Find(field) ?? throw Error(field, "is required");
        if (node is not YamlSequenceNode seq) throw Error(field, "must be a list of [x, y] points");
        var points = new List<(double, double)>();
        foreach (var p in seq)
        {
            if (p is not YamlSequenceNode { Children.Count: 2 } xy
                || !TryDouble(xy.Children[0], out double x) || !TryDouble(xy.Children[1], out double y))
                throw new ConfigException(File, p.Start.Line, Entry, field, "points must be [x, y] pairs of numbers");
            if (x < min || x > max || y < min || y > max)
                throw new ConfigException(File, p.Start.Line, Entry, field,
                    $"point [{x.ToString(CultureInfo.InvariantCulture)}, {y.ToString(CultureInfo.InvariantCulture)}] is outside {min}..{max} (coordinates are normalised to the image)");
            points.Add((x, y));
        }
        return points;
    }

    private static bool TryDouble(YamlNode n, out double d)
    {
        d = 0;
        return n is YamlScalarNode { Value: { } s } && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out d) && !double.IsNaN(d);
    }

    /// <summary>Fields present that the reader does not know: a typo must not be silently ignored.</summary>
    public void RejectUnknown(params string[] known)
    {
        foreach (var key in _map.Children.Keys)
            if (key is YamlScalarNode { Value: { } k } && !known.Contains(k))
                throw new ConfigException(File, key.Start.Line, Entry, k, $"is not a known field (known: {string.Join(", ", known)})");
    }
}
