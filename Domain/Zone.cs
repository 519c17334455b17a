namespace DeskVision;

/// <summary>What part of a service window a zone covers. Rules of the standard name zone kinds, not zones.</summary>
public enum ZoneKind
{
    /// <summary>The counter surface the customer sees.</summary>
    Desk,
    /// <summary>Where the staff member sits.</summary>
    Seat,
    ChairBack,
    CustomerView,
    Aisle,
}

public static class ZoneKinds
{
    private static readonly Dictionary<string, ZoneKind> ByName = new(StringComparer.Ordinal)
    {
        ["desk"] = ZoneKind.Desk,
        ["seat"] = ZoneKind.Seat,
        ["chair-back"] = ZoneKind.ChairBack,
        ["customer-view"] = ZoneKind.CustomerView,
        ["aisle"] = ZoneKind.Aisle,
    };

    public static IEnumerable<string> Names => ByName.Keys;

    public static bool TryParse(string name, out ZoneKind kind) => ByName.TryGetValue(name, out kind);

    public static string Name(this ZoneKind kind) => ByName.First(p => p.Value == kind).Key;
}

/// <summary>A named polygon on a camera's view; points are normalised to 0..1 of the image width and height.</summary>
public sealed record Zone(string Name, ZoneKind Kind, IReadOnlyList<(double X, double Y)> Polygon)
{
    /// <summary>The zone's bounding box in the pixels of an image of the given size.</summary>
    public Box BoundsIn(int width, int height) => new(
        (float)(Polygon.Min(p => p.X) * width), (float)(Polygon.Min(p => p.Y) * height),
        (float)(Polygon.Max(p => p.X) * width), (float)(Polygon.Max(p => p.Y) * height));

    /// <summary>
    /// The share (0..1) of the box's area that lies inside the polygon. The polygon is clipped to the box
    /// (Sutherland–Hodgman against a convex rectangle works for any simple polygon) and the areas compared.
    /// </summary>
    public double ShareInside(Box box, int width, int height)
    {
        if (box.Area <= 0) return 0;
        var poly = new List<(double X, double Y)>(Polygon.Count);
        foreach (var (x, y) in Polygon) poly.Add((x * width, y * height));
        poly = Clip(poly, p => p.X >= box.X1, (a, b) => AtX(a, b, box.X1));
        poly = Clip(poly, p => p.X <= box.X2, (a, b) => AtX(a, b, box.X2));
        poly = Clip(poly, p => p.Y >= box.Y1, (a, b) => AtY(a, b, box.Y1));
        poly = Clip(poly, p => p.Y <= box.Y2, (a, b) => AtY(a, b, box.Y2));
        return Math.Min(1.0, Math.Abs(Area(poly)) / box.Area);
    }

    private static List<(double X, double Y)> Clip(List<(double X, double Y)> poly,
        Func<(double X, double Y), bool> inside, Func<(double X, double Y), (double X, double Y), (double X, double Y)> cross)
    {
        var result = new List<(double X, double Y)>(poly.Count + 4);
        for (int i = 0; i < poly.Count; i++)
        {
            var cur = poly[i];
            var prev = poly[(i + poly.Count - 1) % poly.Count];
            bool curIn = inside(cur), prevIn = inside(prev);
            if (curIn)
            {
                if (!prevIn) result.Add(cross(prev, cur));
                result.Add(cur);
            }
            else if (prevIn) result.Add(cross(prev, cur));
        }
        return result;
    }

    private static (double X, double Y) AtX((double X, double Y) a, (double X, double Y) b, double x) =>
        (x, a.Y + (b.Y - a.Y) * (x - a.X) / (b.X - a.X));

    private static (double X, double Y) AtY((double X, double Y) a, (double X, double Y) b, double y) =>
        (a.X + (b.X - a.X) * (y - a.Y) / (b.Y - a.Y), y);

    private static double Area(List<(double X, double Y)> poly)
    {
        double sum = 0;
        for (int i = 0; i < poly.Count; i++)
        {
            var (x1, y1) = poly[i];
            var (x2, y2) = poly[(i + 1) % poly.Count];
            sum += x1 * y2 - x2 * y1;
        }
        return sum / 2;
    }
}
