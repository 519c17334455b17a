namespace DeskVision.Scoring;

/// <summary>A configuration file is wrong; the message names the file, line, entry and field so a person can fix it.</summary>
public sealed class ConfigException(string file, long line, string entry, string field, string problem)
    : Exception($"{file}:{line}: {entry}: '{field}' {problem}")
{
    public string File { get; } = file;
    public long Line { get; } = line;
    public string Entry { get; } = entry;
    public string Field { get; } = field;
}
