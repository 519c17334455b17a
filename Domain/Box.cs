namespace DeskVision;

/// <summary>An axis-aligned box in image pixels, (X1, Y1) top-left, (X2, Y2) bottom-right.</summary>
public readonly record struct Box(float X1, float Y1, float X2, float Y2)
{
    public float Width => MathF.Max(0, X2 - X1);
    public float Height => MathF.Max(0, Y2 - Y1);
    public float Area => Width * Height;

    public float IntersectionArea(in Box other)
    {
        float w = MathF.Min(X2, other.X2) - MathF.Max(X1, other.X1);
        float h = MathF.Min(Y2, other.Y2) - MathF.Max(Y1, other.Y1);
        return w <= 0 || h <= 0 ? 0 : w * h;
    }

    public float IoU(in Box other)
    {
        float inter = IntersectionArea(other);
        float union = Area + other.Area - inter;
        return union <= 0 ? 0 : inter / union;
    }

    public float[] ToArray() => [X1, Y1, X2, Y2];
}
