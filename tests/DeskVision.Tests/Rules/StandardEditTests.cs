using DeskVision.Scoring;
using DeskVision.Tests.Fixtures;
using DeskVision.Web.Standards;

namespace DeskVision.Tests.Rules;

/// <summary>The standard edited in the web form: the values change where they are in the text, everything else stays.</summary>
public sealed class StandardEditTests
{
    private static readonly string[] CocoLabels = File.ReadAllLines(Path.Combine(TestData.Shared, "coco", "classes.txt"));

    private const string Small = """
        # the site's notes stay
        standard: 小标准
        version: '1'
        clauses:
        - id: desk.cup
          title_zh: 桌面不放水杯
          title_en: No cups
          category: desk
          visual: full
          text_zh: 桌面不放水杯
          sources: [{file: 001.txt, section: 第九条, text_zh: 桌面不放水杯}]
          severity: minor
          rules:
          - {when: object-in-zone, labels: [cup], zones: [desk], points: 2}
        - {id: desk.phone-on-desk, title_zh: 手机, title_en: Phone, category: desk, visual: full, text_zh: 手机, severity: minor,
           sources: [{file: 001.txt, section: 第九条, text_zh: 手机}], rules: [{when: object-in-zone, labels: [cell phone], zones: [desk], points: 3}]}
        """;

    [Fact]
    public void Switching_off_a_clause_that_has_no_active_field_adds_one_under_its_id_and_changes_nothing_else()
    {
        var current = StandardFile.Parse("small.yaml", Small, CocoLabels);
        var edits = StandardEdits.Changes(current, f => f == "c0.active" ? "false" : null);
        Assert.Equal([new StandardEdits.Edit("c0.active", "false")], edits);

        var (text, edited, errors) = StandardEdits.Apply(Small, edits, "form", CocoLabels);
        Assert.Empty(errors);
        Assert.False(edited!.Find("desk.cup")!.Active);
        Assert.Equal(Small.Replace("- id: desk.cup\n", "- id: desk.cup\n  active: false\n"), text);
    }

    [Fact]
    public void Values_in_flow_style_entries_are_changed_in_place_and_a_new_field_joins_the_flow()
    {
        var current = StandardFile.Parse("small.yaml", Small, CocoLabels);
        var (text, edited, errors) = StandardEdits.Apply(Small, StandardEdits.Changes(current, f => f switch
        {
            "c1.r0.points" => "5", "c1.r0.min_confidence" => "0.5", "c0.r0.points" => "2.0", "version" => "1 (hall B)", _ => null,
        }), "form", CocoLabels);
        Assert.Empty(errors);
        Assert.Equal(5, edited!.Find("desk.phone-on-desk")!.Rules[0].Points);
        Assert.Equal(0.5, edited.Find("desk.phone-on-desk")!.Rules[0].MinConfidence);
        Assert.Equal("1 (hall B)", edited.Version);
        Assert.Contains("rules: [{when: object-in-zone, min_confidence: 0.5, labels: [cell phone], zones: [desk], points: 5}]", text);
        Assert.Contains("version: '1 (hall B)'", text);
        Assert.Contains("- {when: object-in-zone, labels: [cup], zones: [desk], points: 2}", text); // 2.0 is 2: no edit
    }

    [Fact]
    public void Every_wrong_field_is_named_at_once_with_its_clause_rule_and_line()
    {
        var current = StandardFile.Parse("small.yaml", Small, CocoLabels);
        var (text, _, errors) = StandardEdits.Apply(Small, StandardEdits.Changes(current, f => f switch
        {
            "c0.r0.points" => "-1", "c1.severity" => "critical", "c0.active" => "true", _ => null,
        }), "form", CocoLabels);
        Assert.Null(text);
        Assert.Equal(["c0.r0.points", "c1.severity"], errors.Select(e => e.Field).Order());
        var points = errors.Single(e => e.Field == "c0.r0.points");
        Assert.Equal("clauses[0] (desk.cup).rules[0]", points.Entry);
        Assert.Equal(14, points.Line);
        Assert.Equal("'points' must be between 0 and 100, got -1", points.Message);
        Assert.Equal("'severity' must be one of minor, major, got 'critical'", errors.Single(e => e.Field == "c1.severity").Message);
    }
}
