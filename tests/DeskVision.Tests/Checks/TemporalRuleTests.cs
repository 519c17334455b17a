using DeskVision.Scoring;
using DeskVision.Tests.Fixtures;
using static DeskVision.Tests.Rules.Layouts;

namespace DeskVision.Tests.Checks;

/// <summary>
/// The shipped standard's rules that look at several snapshots of one burst (consecutive: K), on detections placed in
/// the test window's zones. Earlier frames are passed in as data, oldest first.
/// </summary>
public sealed class TemporalRuleTests
{
    private static readonly IReadOnlyList<string> CocoLabels =
        File.ReadAllLines(Path.Combine(TestData.Shared, "coco", "classes.txt")).Where(l => l.Length > 0).ToList();

    private static readonly Scoring.Standard Shipped = StandardFile.Load(TestData.StandardFile, CocoLabels);

    /// <summary>The test window with its desk edge drawn at 0.7 of the height (the counter band ends there).</summary>
    private static readonly CameraLayout WindowWithDeskLine = Window with { DeskLine = 0.7 };

    private static Frame Snap(params Detection[] detections) => new(detections, Size, Size);

    private static IReadOnlyList<Violation> Audit(Frame now, params Frame[] before) =>
        Scorecard.Evaluate(now, before, WindowWithDeskLine, Shipped).Violations;

    private static IEnumerable<string> Clauses(IReadOnlyList<Violation> found) => found.Select(v => v.ClauseId);

    private static readonly Detection PauseSignOnCounter = On(SceneLabels.PauseSign, 0.8f, 450, 450, 550, 520);

    [Fact]
    public void Empty_seat_on_three_consecutive_snapshots_violates_presence_unattended_window()
    {
        var found = Audit(Snap(), Snap(), Snap());
        var v = Assert.Single(found, v => v.ClauseId == "presence.unattended-window");
        Assert.Equal("seat", v.ZoneName);
        Assert.Contains("3 snapshots in a row", v.Reason);
        Assert.Equal(3, Shipped.Find("presence.unattended-window")!.Rules[0].Consecutive);
    }

    [Fact]
    public void Empty_seat_on_two_snapshots_is_a_short_absence_not_an_unattended_window()
    {
        Assert.DoesNotContain("presence.unattended-window", Clauses(Audit(Snap(), Snap())));
        Assert.Contains("presence.away-sign", Clauses(Audit(Snap(), Snap())));
    }

    [Fact]
    public void Staff_back_in_the_seat_in_between_breaks_the_run()
    {
        Assert.DoesNotContain("presence.unattended-window", Clauses(Audit(Snap(), Snap(StaffInSeat), Snap())));
    }

    [Fact]
    public void Pause_sign_on_the_counter_excuses_the_empty_seat_on_every_snapshot()
    {
        var withSign = Snap(PauseSignOnCounter);
        Assert.Empty(Audit(withSign, withSign, withSign));
    }

    [Fact]
    public void Pause_sign_put_out_only_on_the_last_snapshot_excuses_that_snapshot()
    {
        // The run of unexcused empty snapshots is broken by the sign: nothing to deduct now.
        Assert.Empty(Audit(Snap(PauseSignOnCounter), Snap(), Snap()));
    }

    [Fact]
    public void Pause_sign_seen_outside_the_counter_or_below_its_confidence_does_not_excuse()
    {
        var onCustomerSide = Snap(On(SceneLabels.PauseSign, 0.8f, 450, 100, 550, 200));
        Assert.Contains("presence.unattended-window", Clauses(Audit(onCustomerSide, onCustomerSide, onCustomerSide)));
        var faint = Snap(PauseSignOnCounter with { Confidence = 0.3f });
        Assert.Contains("presence.unattended-window", Clauses(Audit(faint, faint, faint)));
    }

    [Fact]
    public void Staff_slumped_below_the_desk_line_on_two_snapshots_violates_behaviour_lying_on_desk()
    {
        var slumped = Snap(On("person", 0.8f, 320, 760, 680, 990));   // box top at 0.76, under the desk line at 0.7
        var v = Assert.Single(Audit(slumped, slumped));
        Assert.Equal("behaviour.lying-on-desk", v.ClauseId);
        Assert.Empty(Audit(slumped));                                    // one snapshot: a glance down, not lying
    }

    [Fact]
    public void Upright_staff_whose_head_is_above_the_desk_line_is_not_lying_on_the_desk()
    {
        var upright = Snap(On("person", 0.9f, 300, 620, 700, 990));
        Assert.Empty(Audit(upright, upright, upright));
    }

    [Fact]
    public void Posture_is_not_judged_on_a_camera_without_a_desk_line()
    {
        var slumped = Snap(On("person", 0.8f, 320, 760, 680, 990));
        Assert.Empty(Scorecard.Evaluate(slumped, [slumped, slumped], Window, Shipped).Violations);
    }

    [Fact]
    public void Two_staff_in_one_window_seat_zone_on_three_snapshots_violates_behaviour_no_chatting_cross_post()
    {
        var two = Snap(On("person", 0.9f, 220, 640, 480, 990), On("person", 0.8f, 520, 640, 780, 990));
        var v = Assert.Single(Audit(two, two, two));
        Assert.Equal("behaviour.no-chatting-cross-post", v.ClauseId);
        Assert.Equal(new Box(220, 640, 780, 990), v.Evidence);        // both people, as one box
        Assert.Empty(Audit(two, two));                                  // a colleague passing by is not a chat
    }

    [Fact]
    public void Object_on_the_desk_that_is_not_on_the_allowed_list_violates_desk_allowed_items_only()
    {
        var v = Assert.Single(Audit(Snap(StaffInSeat, On("scissors", 0.6f, 600, 450, 650, 520))));
        Assert.Equal("desk.allowed-items-only", v.ClauseId);
        Assert.Empty(Audit(Snap(StaffInSeat, On("keyboard", 0.8f, 300, 500, 600, 600), On("tv", 0.8f, 350, 420, 650, 560))));
    }

    [Fact]
    public void Tie_worn_by_the_person_at_the_counter_is_not_an_item_on_the_desk()
    {
        var leaning = On("person", 0.9f, 300, 560, 700, 990);             // seated, leaning over the counter
        Assert.Empty(Audit(Snap(leaning, On("tie", 0.8f, 480, 600, 520, 690))));
    }

    [Fact]
    public void Object_a_particular_clause_already_took_is_not_counted_again_as_not_allowed()
    {
        var found = Audit(Snap(StaffInSeat, PhoneOnCounter));
        Assert.Equal(["desk.phone-on-desk"], Clauses(found));
    }

    [Fact]
    public void Standard_file_rejects_a_consecutive_count_that_is_not_a_whole_number()
    {
        string text = File.ReadAllText(TestData.StandardFile).Replace("    consecutive: 3\n    excused_by", "    consecutive: 2.5\n    excused_by");
        var e = Assert.Throws<ConfigException>(() => StandardFile.Parse("edited.yaml", text));
        Assert.Equal("consecutive", e.Field);
        Assert.Contains("presence.unattended-window", e.Entry);
    }

    [Fact]
    public void Standard_file_rejects_an_excuse_naming_an_unknown_label()
    {
        string text = File.ReadAllText(TestData.StandardFile).Replace("    excused_by:\n      labels: [pause-sign]", "    excused_by:\n      labels: [pause-sing]");
        var e = Assert.Throws<ConfigException>(() => StandardFile.Parse("edited.yaml", text, CocoLabels));
        Assert.Contains("pause-sing", e.Message);
    }
}
