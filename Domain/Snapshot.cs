namespace DeskVision;

/// <summary>One still image from a camera, as the camera encoded it (JPEG or PNG bytes).</summary>
/// <param name="CameraKey">The camera's stable key, e.g. <c>hall1-w1</c>.</param>
/// <param name="TakenAt">When the frame was taken (or fetched, when the camera does not say).</param>
/// <param name="Image">The encoded bytes; decoding is the detector stage's job.</param>
/// <param name="Source">Where it came from, for the record: a file path, URL without credentials, "upload".</param>
public sealed record Snapshot(string CameraKey, DateTimeOffset TakenAt, byte[] Image, string Source);
