using System.Globalization;

namespace DeskVision.Audits;

/// <summary>Plain <c>--name value</c> / <c>--flag</c> / positional parsing; enough for a handful of subcommands.</summary>
public sealed class CommandArgs
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    public List<string> Positional { get; } = [];

    public CommandArgs(IEnumerable<string> args, IReadOnlySet<string> flags)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            string a = e.Current;
            if (!a.StartsWith("--", StringComparison.Ordinal)) { Positional.Add(a); continue; }
            string name = a[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            else if (!flags.Contains(name))
            {
                if (!e.MoveNext()) throw new UsageException($"--{name} needs a value");
                value = e.Current;
            }
            _options[name] = value;
        }
    }

    public bool Flag(string name) => _options.ContainsKey(name);
    public string? Get(string name) => _options.GetValueOrDefault(name);

    public float? GetFloat(string name)
    {
        string? v = Get(name);
        if (v is null) return null;
        return float.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out float f)
            ? f : throw new UsageException($"--{name}: '{v}' is not a number");
    }

    public int? GetInt(string name)
    {
        string? v = Get(name);
        if (v is null) return null;
        return int.TryParse(v, CultureInfo.InvariantCulture, out int i) ? i : throw new UsageException($"--{name}: '{v}' is not a whole number");
    }
}

public sealed class UsageException(string message) : Exception(message);
