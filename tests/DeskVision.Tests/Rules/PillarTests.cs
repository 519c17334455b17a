using DeskVision.Scoring;
using DeskVision.Tests.Fixtures;
using static DeskVision.Tests.Rules.Layouts;

namespace DeskVision.Tests.Rules;

/// <summary>The 6S pillars (整理 整顿 清扫 服务 安全 素养) as data in the standard file, and per-category subtotals of an audit.</summary>
public sealed class PillarTests
{
    private static readonly Scoring.Standard Shipped = StandardFile.Load(TestData.StandardFile);

    private const string Pillars = """
        pillars:
          整理: [desk]
          整顿: [signage]
          清扫: [environment]
          服务: [process, presence]
          安全: []
          素养: [appearance, behaviour]
        """;

    private const string Clause = """
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
          - { when: object-in-zone, labels: [cell phone], zones: [desk], points: 3 }
        """;

    private static Scoring.Standard Parse(string pillars, string clause = Clause) =>
        StandardFile.Parse("site-standard.yaml", $"standard: test\nversion: \"1\"\n{pillars}\n{clause}");

    [Fact]
    public void Shipped_standard_gives_every_clause_a_pillar_and_the_safety_clauses_name_安全()
    {
        Assert.All(Shipped.Clauses, c => Assert.Contains(c.Pillar, Scoring.Standard.SixPillars));
        Assert.Equal("整理", Shipped.Find("desk.phone-on-desk")!.Pillar);
        Assert.Equal("素养", Shipped.Find("behaviour.phone-use")!.Pillar);
        Assert.Equal("服务", Shipped.Find("presence.unattended-window")!.Pillar);
        Assert.Equal(["behaviour.no-smoking", "environment.no-high-power-appliances"],
            Shipped.Clauses.Where(c => c.Pillar == "安全").Select(c => c.Id).Order().ToArray());
        Assert.Equal("素养", Shipped.PillarOf("behaviour"));   // the category keeps its pillar; the clause overrides it
    }

    [Fact]
    public void Pillars_are_optional_and_a_standard_without_them_has_none()
    {
        var s = Parse("");
        Assert.Null(s.Find("desk.phone-on-desk")!.Pillar);
        Assert.Null(s.PillarOf("desk"));
    }

    [Fact]
    public void Category_used_by_a_clause_but_under_no_pillar_is_rejected_naming_the_clause()
    {
        var e = Assert.Throws<ConfigException>(() => Parse(Pillars.Replace("整理: [desk]", "整理: []")));
        Assert.Equal(("site-standard.yaml", "pillars", 4L), (e.File, e.Field, e.Line));   // the mapping starts on line 4
        Assert.Contains("'desk' (used by clause desk.phone-on-desk)", e.Message);
    }

    [Theory]
    [InlineData("整理: [desk]", "整理: [desk, kitchen]", "整理", 4, "category 'kitchen'")]
    [InlineData("整顿: [signage]", "整顿: [signage, desk]", "整顿", 5, "already under 整理")]
    [InlineData("安全: []", "安全: []\n  纪律: [desk]", "纪律", 9, "is not a known field")]
    [InlineData("  安全: []\n", "", "安全", 4, "is missing")]
    public void Wrong_pillar_mapping_is_rejected_with_file_line_and_field(string from, string to, string field, long line, string problem)
    {
        var e = Assert.Throws<ConfigException>(() => Parse(Pillars.Replace(from, to)));
        Assert.Equal((field, line), (e.Field, e.Line));
        Assert.Contains(problem, e.Message);
        Assert.Equal("pillars", e.Entry);
    }

    [Fact]
    public void Clause_naming_an_unknown_pillar_is_rejected()
    {
        var e = Assert.Throws<ConfigException>(() => Parse(Pillars, Clause.Replace("  category: desk\n", "  category: desk\n  pillar: 整洁\n")));
        Assert.Equal("pillar", e.Field);
        Assert.Contains("整理, 整顿, 清扫, 服务, 安全, 素养", e.Message);
    }

    [Fact]
    public void Audit_subtotals_list_every_category_with_its_pillar_and_add_up_to_the_deductions()
    {
        var standard = Parse(Pillars);
        var (violations, score) = Scorecard.Evaluate([StaffInSeat, PhoneOnCounter], Size, Size, Window, standard);
        var subtotals = Scorecard.Subtotals(violations, standard);

        Assert.Equal(StandardFile.Categories, subtotals.Select(s => s.Category));
        Assert.Equal(("整理", 3.0, 1), subtotals.Where(s => s.Category == "desk").Select(s => (s.Pillar, s.Points, s.Violations)).Single());
        Assert.All(subtotals.Where(s => s.Category != "desk"), s => Assert.Equal((0.0, 0), (s.Points, s.Violations)));
        // environment, desk, appearance, behaviour, presence, signage, process
        Assert.Equal(["清扫", "整理", "素养", "素养", "服务", "整顿", "服务"], subtotals.Select(s => s.Pillar));
        Assert.Equal(Scorecard.FullMarks - score, subtotals.Sum(s => s.Points));
    }
}
