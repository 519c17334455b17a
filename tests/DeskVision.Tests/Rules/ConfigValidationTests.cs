using DeskVision.Scoring;
using DeskVision.Tests.Fixtures;

namespace DeskVision.Tests.Rules;

/// <summary>A wrong standard or camera file stops at load with an error naming the file, line, entry and field.</summary>
public sealed class ConfigValidationTests
{
    private static readonly string[] Labels = ["person", "cell phone", "cup"];

    private const string OneClause = """
        standard: test
        version: "1"
        clauses:
        - id: desk.phone-on-desk
          title_zh: 手机不放桌面
          title_en: No phone on desk
          category: desk
          visual: full
          severity: minor
          text_zh: 手机等私人物品一律存放在柜子里
          sources:
          - { file: 004.txt, section: 四、3, text_zh: 手机等私人物品一律存放在柜子里 }
          rules:
          - when: object-in-zone
            labels: [cell phone]
            zones: [desk]
            points: 3
        """;

    private static ConfigException StandardError(string text) =>
        Assert.Throws<ConfigException>(() => StandardFile.Parse("site-standard.yaml", text, Labels));

    [Fact]
    public void Valid_standard_loads()
    {
        var s = StandardFile.Parse("site-standard.yaml", OneClause, Labels);
        Assert.Equal(3, Assert.Single(s.Scored).Rules[0].Points);
    }

    [Fact]
    public void Rule_naming_a_label_the_detector_does_not_know_is_rejected_with_file_line_and_field()
    {
        var e = StandardError(OneClause.Replace("labels: [cell phone]", "labels: [mobile phone]"));
        Assert.Equal("site-standard.yaml", e.File);
        Assert.Equal(15, e.Line);
        Assert.Equal("labels", e.Field);
        Assert.Contains("clauses[0] (desk.phone-on-desk).rules[0]", e.Entry);
        Assert.Contains("'mobile phone'", e.Message);
    }

    [Fact]
    public void Rule_naming_an_unknown_zone_kind_is_rejected()
    {
        var e = StandardError(OneClause.Replace("zones: [desk]", "zones: [counter]"));
        Assert.Equal(("zones", 16L), (e.Field, e.Line));
        Assert.Contains("desk, seat, chair-back, customer-view, aisle", e.Message);
    }

    [Fact]
    public void Clause_id_outside_its_category_is_rejected()
    {
        var e = StandardError(OneClause.Replace("id: desk.phone-on-desk", "id: phone-on-desk"));
        Assert.Equal(("id", 4L), (e.Field, e.Line));
    }

    [Theory]
    [InlineData("points: 3", "points: -1", "points")]
    [InlineData("points: 3", "points: lots", "points")]
    [InlineData("severity: minor", "severity: grave", "severity")]
    [InlineData("category: desk", "category: kitchen", "category")]
    [InlineData("points: 3", "points: 3\n    pionts: 4", "pionts")]
    public void Out_of_range_or_misspelt_field_is_rejected(string from, string to, string field)
    {
        Assert.Equal(field, StandardError(OneClause.Replace(from, to)).Field);
    }

    [Fact]
    public void Malformed_yaml_is_rejected_with_its_line()
    {
        var e = StandardError(OneClause.Replace("  - when: object-in-zone", "  - when: [object-in-zone"));
        Assert.Equal("(syntax)", e.Field);
        Assert.InRange(e.Line, 14, 18);
    }

    [Fact]
    public void Duplicate_clause_is_rejected()
    {
        string twice = OneClause + "\n" + OneClause[OneClause.IndexOf("- id:", StringComparison.Ordinal)..];
        Assert.Contains("appears twice", StandardError(twice).Message);
    }

    private const string Camera = """
        camera: hall1-w1
        site: hall1
        window: 1号窗口
        zones:
        - name: counter
          kind: desk
          polygon: [[0.1, 0.4], [0.9, 0.4], [0.9, 0.7]]
        """;

    [Fact]
    public void Zone_coordinate_out_of_range_is_rejected_with_its_line()
    {
        var e = Assert.Throws<ConfigException>(() => CameraFile.Parse("w1.yaml", Camera.Replace("[0.9, 0.7]", "[0.9, 1.7]")));
        Assert.Equal(("w1.yaml", 7L, "polygon"), (e.File, e.Line, e.Field));
        Assert.Contains("zones[0] (counter)", e.Entry);
    }

    [Theory]
    [InlineData("kind: desk", "kind: floor", "kind")]
    [InlineData("polygon: [[0.1, 0.4], [0.9, 0.4], [0.9, 0.7]]", "polygon: [[0.1, 0.4], [0.9, 0.4]]", "polygon")]
    [InlineData("polygon: [[0.1, 0.4], [0.9, 0.4], [0.9, 0.7]]", "polygon: [[0.1, 0.4], [0.5, 0.4], [0.9, 0.4]]", "polygon")]
    [InlineData("camera: hall1-w1", "camera: hall 1/w1", "camera")]
    public void Invalid_zone_or_camera_field_is_rejected(string from, string to, string field)
    {
        Assert.Equal(field, Assert.Throws<ConfigException>(() => CameraFile.Parse("w1.yaml", Camera.Replace(from, to))).Field);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("gopher://127.0.0.1:6379/")]
    [InlineData("ftp://camera/snap.jpg")]
    public void Camera_source_other_than_http_rtsp_or_folder_is_rejected(string source)
    {
        var e = Assert.Throws<ConfigException>(() => CameraFile.Parse("w1.yaml", Camera + $"\nsource: {source}"));
        Assert.Equal("source", e.Field);
    }

    [Fact]
    public void Missing_file_is_named_in_the_error()
    {
        var e = Assert.Throws<ConfigException>(() => StandardFile.Load("/no/such/standard.yaml"));
        Assert.Contains("/no/such/standard.yaml", e.Message);
    }

    [Fact]
    public void Shipped_demo_cameras_load()
    {
        for (int w = 1; w <= 3; w++) Assert.Equal($"window-{w}", CameraFile.Load(TestData.DemoCamera(w)).CameraKey);
    }
}
