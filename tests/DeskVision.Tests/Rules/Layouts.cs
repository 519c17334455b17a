using DeskVision.Scoring;

namespace DeskVision.Tests.Rules;

/// <summary>A window camera drawn for the rule tests on a 1000×1000 image: desk band in the middle, seat below, customers above.</summary>
public static class Layouts
{
    public const int Size = 1000;

    public static readonly CameraLayout Window = CameraFile.Parse("test-window.yaml", """
        camera: test-w1
        site: test-hall
        window: 1号窗口
        zone_share: 0.5
        zones:
        - { name: counter, kind: desk, polygon: [[0.0, 0.4], [1.0, 0.4], [1.0, 0.7], [0.0, 0.7]] }
        - { name: seat, kind: seat, polygon: [[0.2, 0.7], [0.8, 0.7], [0.8, 1.0], [0.2, 1.0]] }
        - { name: customers, kind: customer-view, polygon: [[0.0, 0.0], [1.0, 0.0], [1.0, 0.4], [0.0, 0.4]] }
        """);

    public static Detection On(string label, float confidence, float x1, float y1, float x2, float y2) =>
        new(label, -1, confidence, new Box(x1, y1, x2, y2));

    /// <summary>The staff member sitting in the seat zone: present, so the window is attended.</summary>
    public static readonly Detection StaffInSeat = On("person", 0.9f, 300, 720, 700, 990);

    /// <summary>A phone lying on the counter.</summary>
    public static readonly Detection PhoneOnCounter = On("cell phone", 0.8f, 100, 500, 160, 540);
}
