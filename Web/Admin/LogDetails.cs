using System.Text.Json;

namespace DeskVision.Web.Admin;

/// <summary>
/// An audit-log entry's details as a readable list of changes, not raw JSON: "source: http://a → http://b",
/// a schedule's fields one by one, a camera's zones by name and shape. The stored text stays as it was written
/// (the record); this only reads it.
/// </summary>
public static class LogDetails
{
    /// <summary>One line: a field that changed from <see cref="Before"/> to <see cref="After"/>, or a plain <see cref="Text"/>.</summary>
    public sealed record Change(string? Field, string? Before, string? After, string? Text);

    public static IReadOnlyList<Change> Read(string? details)
    {
        if (string.IsNullOrWhiteSpace(details)) return [];
        string text = details.Trim();
        if (text.StartsWith('{') && Json(text) is { ValueKind: JsonValueKind.Object } obj)
            return obj.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null)
                .Select(p => new Change(p.Name, null, Value(p.Value), null)).ToList();
        // "changed counter; added seat → [{zones...}]": the zone editor's list of changes, then the zones after.
        int arrow = text.IndexOf(" → [", StringComparison.Ordinal);
        if (arrow > 0 && Json(text[(arrow + 3)..]) is { ValueKind: JsonValueKind.Array } zones)
            return [.. Parts(text[..arrow]), new Change(null, null, string.Join(", ", zones.EnumerateArray().Select(Zone)), null)];
        return Parts(text);
    }

    private static List<Change> Parts(string text) =>
        text.Split("; ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Part).ToList();

    /// <summary>"source http://a → http://b" becomes the field "source", before and after; anything else stays text.</summary>
    private static Change Part(string part)
    {
        int arrow = part.IndexOf(" → ", StringComparison.Ordinal);
        if (arrow < 0) return new Change(null, null, null, part);
        string left = part[..arrow], after = part[(arrow + 3)..];
        // The camera edit's fields come first ("source …", "zone share …"); other entries read as before → after.
        foreach (string field in Fields)
            if (left.StartsWith(field + " ", StringComparison.Ordinal)) return new Change(field, left[(field.Length + 1)..], after, null);
        return new Change(null, left, after, null);
    }

    private static readonly string[] Fields = ["zone share", "source", "window", "user"];

    private static string Zone(JsonElement z)
    {
        string name = z.TryGetProperty("name", out var n) ? n.GetString() ?? "?" : "?";
        string kind = z.TryGetProperty("kind", out var k) ? k.GetString() ?? "" : "";
        int points = z.TryGetProperty("polygon", out var p) && p.ValueKind == JsonValueKind.Array ? p.GetArrayLength() : 0;
        return $"{name} ({kind}, {points} ●)";
    }

    private static string Value(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString() ?? "",
        JsonValueKind.True => "✓",
        JsonValueKind.False => "✗",
        _ => v.GetRawText(),
    };

    private static JsonElement? Json(string text)
    {
        try { return JsonDocument.Parse(text).RootElement.Clone(); }
        catch (JsonException) { return null; }
    }
}
