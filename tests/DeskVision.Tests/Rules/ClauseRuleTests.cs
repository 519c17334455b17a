using DeskVision.Scoring;
using DeskVision.Tests.Fixtures;
using static DeskVision.Tests.Rules.Layouts;

namespace DeskVision.Tests.Rules;

/// <summary>The shipped standard's rules, clause by clause, on detections placed in the test window's zones.</summary>
public sealed class ClauseRuleTests
{
    private static readonly IReadOnlyList<string> CocoLabels = File.ReadAllLines(Path.Combine(TestData.Shared, "coco", "classes.txt"))
        .Where(l => l.Length > 0).ToList();

    private static readonly Scoring.Standard Shipped = StandardFile.Load(TestData.StandardFile, CocoLabels);

    private static IReadOnlyList<Violation> Audit(params Detection[] detections) =>
        Scorecard.Evaluate(detections, Size, Size, Window, Shipped).Violations;

    private static double Score(params Detection[] detections) => Scorecard.Evaluate(detections, Size, Size, Window, Shipped).Score;

    [Fact]
    public void Attended_tidy_window_has_no_violations_and_full_marks()
    {
        Assert.Empty(Audit(StaffInSeat));
        Assert.Equal(100, Score(StaffInSeat));
    }

    [Fact]
    public void Phone_on_desk_violates_desk_phone_on_desk()
    {
        var v = Assert.Single(Audit(StaffInSeat, PhoneOnCounter));
        Assert.Equal("desk.phone-on-desk", v.ClauseId);
        Assert.Equal("counter", v.ZoneName);
        Assert.Equal(PhoneOnCounter.Box, v.Evidence);
        Assert.Equal(Shipped.Find("desk.phone-on-desk")!.Rules[0].Points, v.Points);
        Assert.Equal(100 - v.Points, Score(StaffInSeat, PhoneOnCounter));
    }

    [Fact]
    public void Phone_held_in_the_seat_violates_behaviour_phone_use()
    {
        var v = Assert.Single(Audit(StaffInSeat, On("cell phone", 0.7f, 450, 800, 500, 860)));
        Assert.Equal("behaviour.phone-use", v.ClauseId);
        Assert.Equal("seat", v.ZoneName);
    }

    [Theory]
    [InlineData("cup")]
    [InlineData("bottle")]
    [InlineData("wine glass")]
    public void Drink_on_desk_violates_desk_cup(string label)
    {
        var v = Assert.Single(Audit(StaffInSeat, On(label, 0.6f, 800, 450, 850, 520)));
        Assert.Equal("desk.cup", v.ClauseId);
    }

    [Theory]
    [InlineData("handbag", 100, 100, 200, 250)]   // customer side
    [InlineData("backpack", 600, 420, 760, 600)]  // on the counter
    [InlineData("umbrella", 20, 50, 90, 300)]
    public void Private_bag_in_desk_or_customer_view_violates_desk_private_items(string label, float x1, float y1, float x2, float y2)
    {
        var v = Assert.Single(Audit(StaffInSeat, On(label, 0.7f, x1, y1, x2, y2)));
        Assert.Equal("desk.private-items", v.ClauseId);
    }

    [Theory]
    [InlineData("sandwich")]
    [InlineData("donut")]
    [InlineData("banana")]
    public void Food_on_desk_violates_behaviour_no_eating(string label)
    {
        var v = Assert.Single(Audit(StaffInSeat, On(label, 0.7f, 500, 450, 560, 500)));
        Assert.Equal("behaviour.no-eating", v.ClauseId);
    }

    [Fact]
    public void Empty_seat_without_the_pause_sign_violates_presence_away_sign_with_the_seat_as_evidence()
    {
        // One empty snapshot is a short absence: the sign should be out (unattended-window needs several in a row).
        var v = Assert.Single(Audit());
        Assert.Equal("presence.away-sign", v.ClauseId);
        Assert.Equal("seat", v.ZoneName);
        Assert.Equal(new Box(200, 700, 800, 1000), v.Evidence);
    }

    [Fact]
    public void Person_on_the_customer_side_does_not_attend_the_window()
    {
        var v = Assert.Single(Audit(On("person", 0.9f, 300, 50, 500, 380)));
        Assert.Equal("presence.away-sign", v.ClauseId);
    }

    [Fact]
    public void Phone_below_the_clause_confidence_is_not_a_violation()
    {
        double min = Shipped.Find("desk.phone-on-desk")!.Rules[0].MinConfidence;
        Assert.Empty(Audit(StaffInSeat, PhoneOnCounter with { Confidence = (float)min - 0.01f }));
        Assert.Single(Audit(StaffInSeat, PhoneOnCounter with { Confidence = (float)min }));
    }

    [Fact]
    public void Object_mostly_outside_every_zone_of_its_rule_is_not_counted()
    {
        // A cup whose box is 80% in the seat zone and 20% on the counter: desk.cup needs half of it on the desk.
        Assert.Empty(Audit(StaffInSeat, On("cup", 0.9f, 400, 680, 450, 780)));
    }

    [Fact]
    public void Deductions_of_one_clause_are_capped_per_audit()
    {
        var clause = Shipped.Find("desk.phone-on-desk")!;
        var phones = Enumerable.Range(0, 5).Select(i => On("cell phone", 0.9f - i * 0.1f, 50 + i * 150, 450, 100 + i * 150, 500)).ToArray();
        var found = Audit([StaffInSeat, .. phones]);
        Assert.Equal(5, found.Count);                                  // every phone keeps its evidence
        Assert.Equal(clause.MaxPoints, found.Sum(v => v.Points));      // but the clause takes at most its cap
        Assert.True(clause.MaxPoints < 5 * clause.Rules[0].Points);
    }

    [Fact]
    public void Inactive_clause_is_not_scored()
    {
        string text = File.ReadAllText(TestData.StandardFile)
            .Replace("  active: true\n  max_points: 6\n  rules:\n  - when: object-in-zone\n    labels: [cell phone]\n    zones: [desk]",
                     "  active: false\n  max_points: 6\n  rules:\n  - when: object-in-zone\n    labels: [cell phone]\n    zones: [desk]");
        var edited = StandardFile.Parse("edited.yaml", text, CocoLabels);
        Assert.False(edited.Find("desk.phone-on-desk")!.Active);
        // The phone then falls to the general desk.allowed-items-only clause, not to the switched-off particular one.
        Assert.DoesNotContain(Scorecard.Evaluate([StaffInSeat, PhoneOnCounter], Size, Size, Window, edited).Violations, v => v.ClauseId == "desk.phone-on-desk");
    }

    [Fact]
    public void Shipped_standard_quotes_the_catalogue_and_scores_the_clauses_a_camera_checks()
    {
        Assert.Equal(83, Shipped.Clauses.Count);
        Assert.Equal(
            ["appearance.uniform-not-mixed", "appearance.uniform-worn", "behaviour.lying-on-desk", "behaviour.no-chatting-cross-post", "behaviour.no-eating", "behaviour.phone-use",
             "desk.allowed-items-only", "desk.coat-on-chair", "desk.cup", "desk.fixed-positions", "desk.phone-on-desk", "desk.private-items",
             "desk.surface-tidy", "presence.away-sign", "presence.unattended-window"],
            Shipped.Scored.Select(c => c.Id).Order().ToArray());
        var seeds = Directory.GetFiles(Path.Combine(TestData.Shared, "..", "seeds")).ToDictionary(f => Path.GetFileName(f)!, f => Strip(File.ReadAllText(f)));
        foreach (var clause in Shipped.Clauses)
            foreach (var source in clause.Sources)
                Assert.True(seeds[source.File].Contains(Strip(source.TextZh)), $"{clause.Id}: quote not found in {source.File}");
    }

    private static string Strip(string s) => new(s.Where(c => !char.IsWhiteSpace(c)).ToArray());
}
