namespace DeskVision.Scoring;

/// <summary>
/// Labels of findings that are not objects of the detector's model but come from comparing the snapshot with the
/// camera's reference pictures. They travel as <see cref="Detection"/>s (box = where, confidence = how strong), so the
/// standard's rules name them like any label, they are stored with the audit, and earlier frames can be re-read as history.
/// </summary>
public static class SceneLabels
{
    /// <summary>The "暂停服务" sign matched against its reference picture; confidence is the match quality.</summary>
    public const string PauseSign = "pause-sign";

    /// <summary>The chair-back zone no longer looks like the empty-chair reference; confidence is the dissimilarity.</summary>
    public const string ChairBackChanged = "chair-back-changed";

    /// <summary>A region of the desk zone that differs from the arranged-desk reference; confidence is the changed share of the region.</summary>
    public const string DeskChanged = "desk-changed";

    /// <summary>A piece of desk equipment not where the arranged-desk reference has it (定置定位); confidence is 1 − overlap.</summary>
    public const string OutOfPlace = "out-of-place";

    /// <summary>The torso of the person in the seat does not match the uniform reference; confidence is the dissimilarity.</summary>
    public const string NotUniform = "not-uniform";

    /// <summary>
    /// One of the seated person's torso and lower band matches the uniform and the other does not (工作服与便服混穿); confidence
    /// is how clearly (see <c>UniformReading.Mixed</c>), the box the person.
    /// </summary>
    public const string MixedUniform = "mixed-uniform";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
        { PauseSign, ChairBackChanged, DeskChanged, OutOfPlace, NotUniform, MixedUniform };
}
