namespace DeskVision.Store;

public static class CameraLayouts
{
    /// <summary>The scoring stage's view of a stored camera (load it with its Window, Site and Zones).</summary>
    public static CameraLayout ToLayout(this Camera camera) => new(
        camera.Key, camera.Window.Site.Key, camera.Window.Name, camera.ZoneShare,
        camera.Zones.OrderBy(z => z.Id).Select(z => new Zone(z.Name,
            ZoneKinds.TryParse(z.Kind, out var k) ? k : throw new InvalidOperationException($"camera {camera.Key}: zone {z.Name} has unknown kind '{z.Kind}'"),
            z.Polygon.Select(p => (p[0], p[1])).ToList())).ToList(),
        camera.Source)
    {
        Uniform = new SiteUniform(camera.Window.Site.UniformHasTie, camera.Window.Site.UniformTieWeight),
    };
}
