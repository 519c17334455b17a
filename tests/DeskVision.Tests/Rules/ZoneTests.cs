namespace DeskVision.Tests.Rules;

public sealed class ZoneTests
{
    private static readonly Zone Square = new("desk", ZoneKind.Desk, [(0.0, 0.0), (0.5, 0.0), (0.5, 0.5), (0.0, 0.5)]);

    [Fact]
    public void Box_straddling_the_edge_is_inside_by_the_share_of_its_area()
    {
        Assert.Equal(0.5, Square.ShareInside(new Box(400, 100, 600, 200), 1000, 1000), 6);
        Assert.Equal(1.0, Square.ShareInside(new Box(10, 10, 20, 20), 1000, 1000), 6);
        Assert.Equal(0.0, Square.ShareInside(new Box(600, 600, 700, 700), 1000, 1000), 6);
    }

    [Fact]
    public void Concave_zone_excludes_its_notch()
    {
        // An L-shaped counter: the top-right quarter is not part of it.
        var l = new Zone("counter", ZoneKind.Desk, [(0, 0), (0.5, 0), (0.5, 0.5), (1, 0.5), (1, 1), (0, 1)]);
        Assert.Equal(0.0, l.ShareInside(new Box(600, 100, 900, 400), 1000, 1000), 6);
        Assert.Equal(0.75, l.ShareInside(new Box(400, 400, 600, 600), 1000, 1000), 6);
        Assert.Equal(1.0, l.ShareInside(new Box(600, 600, 900, 900), 1000, 1000), 6);
    }

    [Fact]
    public void Normalised_zone_scales_with_the_image()
    {
        Assert.Equal(new Box(0, 0, 320, 240), Square.BoundsIn(640, 480));
        Assert.Equal(1.0, Square.ShareInside(new Box(300, 200, 310, 230), 640, 480), 6);
    }
}
