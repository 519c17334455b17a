namespace DeskVision;

/// <summary>One object found by a detector.</summary>
/// <param name="Label">The model's class name, e.g. <c>cell phone</c>.</param>
/// <param name="ClassId">The model's class index.</param>
/// <param name="Confidence">0..1.</param>
/// <param name="Box">In the pixels of the image the snapshot decoded to.</param>
public sealed record Detection(string Label, int ClassId, float Confidence, Box Box);
