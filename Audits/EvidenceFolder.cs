using DeskVision.Detectors;

namespace DeskVision.Audits;

/// <summary>
/// Where snapshot images are kept. Names are built from the camera key (validated at load) and the time,
/// never from request input; files are written to a temporary name and renamed, so a crash leaves no half image.
/// Every picture is stored with faces blurred (<see cref="FaceBlur"/>): no file here shows a customer's face.
/// </summary>
/// <param name="faces">The blur to use; by default one on the BlazeFace model in <c>onnx-models/</c>, loaded at the first save.</param>
public sealed class EvidenceFolder(string root, FaceBlur? faces = null)
{
    // One face model per process, loaded when first needed: the CLI commands that store nothing never pay for it.
    private static readonly Lazy<FaceBlur> DefaultBlur = new(() =>
        new FaceBlur(new FaceDetector(Path.Combine(ProjectPaths.Models, FaceDetector.ModelFileName))));

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The process's face blur on the shipped BlazeFace model, for other pictures the app keeps (reference pictures).</summary>
    public static FaceBlur SharedFaceBlur => DefaultBlur.Value;

    /// <param name="people">Person boxes found on the snapshot: their heads are blurred too.</param>
    /// <returns>The stored file, relative to the folder; null when the picture cannot be decoded to check it for faces (then nothing is kept).</returns>
    public async Task<string?> SaveAsync(Snapshot snapshot, CancellationToken ct, IEnumerable<Detection>? people = null)
    {
        byte[]? blurred = (faces ?? DefaultBlur.Value).Blur(snapshot.Image,
            (people ?? []).Where(d => d.Label == "person" && d.Confidence >= 0.25f).Select(d => d.Box));
        if (blurred is null) return null;
        string relative = Path.Combine(snapshot.TakenAt.UtcDateTime.ToString("yyyy-MM-dd"),
            $"{snapshot.CameraKey}_{snapshot.TakenAt.UtcDateTime:HHmmssfff}_{Guid.NewGuid():N}"[..48] + Extension(snapshot.Image));
        string full = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = full + ".part";
        await File.WriteAllBytesAsync(temp, blurred, ct);
        File.Move(temp, full, overwrite: true);
        return relative;
    }

    /// <summary>The full path of a stored relative path, or null if it would leave the folder.</summary>
    public string? Resolve(string? relative)
    {
        if (string.IsNullOrEmpty(relative)) return null;
        string full = Path.GetFullPath(Path.Combine(Root, relative));
        return full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(full) ? full : null;
    }

    private static string Extension(byte[] image) => image.Length > 3 && image[0] == 0x89 && image[1] == 0x50 ? ".png" : ".jpg";
}
