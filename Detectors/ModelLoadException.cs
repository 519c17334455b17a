namespace DeskVision.Detectors;

/// <summary>The model file is missing, unreadable, or not a detector this code can run. The message names the file.</summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
