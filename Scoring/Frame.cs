namespace DeskVision.Scoring;

/// <summary>
/// One snapshot as the scorecard sees it: what was found on it (the model's objects and the reference checks'
/// findings, see <see cref="SceneLabels"/>) and the image size the boxes are in. Earlier frames of the same burst are
/// passed in as data, so temporal rules ("empty on 3 snapshots in a row") stay a pure function of their input.
/// </summary>
public sealed record Frame(IReadOnlyList<Detection> Detections, int Width, int Height);
