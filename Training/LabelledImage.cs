namespace DeskVision.Training;

/// <summary>One ground-truth box: a model class index, centre and size normalised to the image (YOLO txt).</summary>
public sealed record LabelBox(int ClassId, float Cx, float Cy, float W, float H);

/// <summary>
/// One training image. <paramref name="Group"/> names the camera (or scene) it came from, so a hold-out never puts
/// near-identical frames of one camera on both sides.
/// </summary>
public sealed record LabelledImage(string ImagePath, string? LabelPath, IReadOnlyList<LabelBox> Boxes, string Group);

/// <summary>
/// A loaded data set. <paramref name="ClassNames"/> are the model's classes after training: the base model's, then
/// <paramref name="NewClassNames"/>. <paramref name="LabelledClasses"/> are the model classes this set labels; only
/// those are taught as present or absent, so what the set never labels is not learned as background.
/// </summary>
public sealed record TrainingSet(
    IReadOnlyList<LabelledImage> Images,
    IReadOnlyList<string> ClassNames,
    IReadOnlySet<int> LabelledClasses,
    IReadOnlyList<string> NewClassNames)
{
    /// <summary>The names file the label ids were read against, or null when they index the base model's classes.</summary>
    public string? NamesFile { get; init; }
}

/// <summary>Input a training run refuses: the file, the line (when one is to blame) and why.</summary>
public sealed class DatasetException(string file, int? line, string reason)
    : Exception(line is int l ? $"{file}:{l}: {reason}" : $"{file}: {reason}")
{
    public string File { get; } = file;
    public int? Line { get; } = line;
    public string Reason { get; } = reason;
}
