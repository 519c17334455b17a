namespace DeskVision.Detectors;

/// <summary>Resolves the <c>--model</c> setting: <c>n</c>, <c>s</c>, <c>m</c> (the shipped YOLOv8 tiers) or a path.</summary>
public static class ModelFile
{
    public const string DefaultTier = "s";

    public static string Resolve(string? setting, string modelsFolder)
    {
        setting = string.IsNullOrWhiteSpace(setting) ? DefaultTier : setting.Trim();
        string path = setting is "n" or "s" or "m" or "l" or "x"
            ? Path.Combine(modelsFolder, $"yolov8{setting}.onnx")
            : Path.GetFullPath(setting);
        if (!File.Exists(path))
            throw new ModelLoadException(
                $"model file '{path}' not found: run ./deskvision up (or test) to fetch the models, or pass --model PATH");
        return path;
    }
}
