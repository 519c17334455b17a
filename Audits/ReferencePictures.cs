using System.Globalization;
using DeskVision.Detectors;
using DeskVision.Ingest;
using DeskVision.Scoring;
using DeskVision.Store;
using Microsoft.EntityFrameworkCore;
using OpenCvSharp;

namespace DeskVision.Audits;

/// <summary>
/// Each camera's reference pictures (full view, arranged desk, empty chair, pause sign), taken from its live snapshot in
/// the app or named in its camera file; one taken in the app wins over the file's of the same kind. Files are kept under
/// <c>DESKVISION_REFERENCES</c> (default <c>.data/references</c>, apart from the evidence folder, whose retention sweep
/// must never delete them) as <c>{camera id}/{kind}.jpg|png</c>: names never come from a request, and each is written to
/// a temporary name and renamed over the old one, so an audit reading it sees the old picture or the new, never half.
/// Faces are blurred as in evidence pictures.
/// <para>
/// When camera health finds the view no longer matching the view reference, the camera is marked moved
/// (<see cref="Camera.MovedAt"/>): every reference taken before is stale until taken again. Stale pictures that are
/// compared in place (desk, empty chair) are not used, since the things they show are no longer where they were; the
/// view reference stays in use so audits stay unreliable until the view is taken again; the pause sign, searched for
/// anywhere on the counter, stays in use so a paused window is not judged unattended.
/// </para>
/// </summary>
public sealed class ReferencePictures(string root, ObjectDetector detector, FaceBlur? faces = null)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>What one kind of reference a camera has now, and where it came from.</summary>
    /// <param name="Source"><c>app</c> (taken from a live snapshot) or <c>camera file</c>.</param>
    public sealed record Entry(string Kind, string Source, DateTimeOffset TakenAt, string? TakenBy, int? Width, int? Height, bool Stale, string FullPath);

    /// <summary>A picture that cannot serve as a reference, and why, in words for the person taking it.</summary>
    public sealed class RefusedException(string field, string message) : Exception(message)
    {
        public string Field { get; } = field;
    }

    /// <summary>
    /// Keeps <paramref name="snapshot"/> (or the <paramref name="crop"/> of it) as the camera's reference of this kind.
    /// A picture too poor to compare with (blurred, covered, black) is refused.
    /// </summary>
    /// <param name="crop">[x1, y1, x2, y2] normalised to the picture (checked by the caller); null for the whole picture.</param>
    public async Task<CameraReference> SaveAsync(DeskVisionDb db, Camera camera, string kind, byte[] snapshot, double[]? crop, string by,
        DateTimeOffset now, CancellationToken ct)
    {
        if (!ReferenceKinds.All.Contains(kind)) throw new ArgumentException($"unknown reference kind '{kind}'", nameof(kind));
        byte[] picture;
        int width, height;
        using (var image = SnapshotImage.Decode(snapshot))
        {
            FrameCheck.ThrowIfBlack(image);
            var problem = CameraHealth.Diagnose(CameraHealth.Measure(image, null), HealthLimits.Default.MinSharpness, 0);
            if (problem is HealthProblem.Covered or HealthProblem.Blurred)
                throw new RefusedException("snapshot", $"the camera's picture is {(problem == HealthProblem.Covered ? "covered or blocked" : "blurred")}: a reference must show the view clearly");
            var area = crop is [var x1, var y1, var x2, var y2]
                ? Pictures.ToRect(new Box((float)(x1 * image.Width), (float)(y1 * image.Height), (float)(x2 * image.Width), (float)(y2 * image.Height)), image.Width, image.Height)
                : new Rect(0, 0, image.Width, image.Height);
            if (area.Width < 8 || area.Height < 8) throw new RefusedException("crop", $"keeps only {area.Width}×{area.Height} pixels of the picture");
            var people = detector.Detect(image).Where(d => d.Label == "person" && d.Confidence >= 0.25f)
                .Select(d => new Box(d.Box.X1 - area.X, d.Box.Y1 - area.Y, d.Box.X2 - area.X, d.Box.Y2 - area.Y)).ToList();
            (width, height) = (area.Width, area.Height);
            // A crop is encoded anew (lossless); a whole picture keeps the camera's format.
            byte[] encoded;
            if (crop is null) encoded = snapshot;
            else using (var kept = new Mat(image, area)) encoded = kept.ImEncode(".png");
            picture = (faces ?? EvidenceFolder.SharedFaceBlur).Blur(encoded, people)
                ?? throw new RefusedException("snapshot", "the picture could not be decoded to blur faces");
        }

        string extension = picture is [0x89, 0x50, 0x4E, 0x47, ..] ? ".png" : ".jpg";
        string relative = Path.Combine(camera.Id.ToString(CultureInfo.InvariantCulture), kind + extension);
        string full = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = $"{full}.{Guid.NewGuid():N}.part";
        await File.WriteAllBytesAsync(temp, picture, ct);
        File.Move(temp, full, overwrite: true);
        // The same kind in the other format, from an earlier capture, is no longer referred to.
        string other = Path.ChangeExtension(full, extension == ".png" ? ".jpg" : ".png");
        if (File.Exists(other)) File.Delete(other);

        var row = await db.CameraReferences.FirstOrDefaultAsync(r => r.CameraId == camera.Id && r.Kind == kind, ct)
            ?? db.CameraReferences.Add(new CameraReference { CameraId = camera.Id, Kind = kind, Path = relative, CapturedBy = by }).Entity;
        row.Path = relative;
        row.CapturedAt = now;
        row.CapturedBy = by;
        (row.Width, row.Height) = (width, height);
        row.Crop = crop;
        db.AuditLog.Add(new AuditLogEntry
        {
            At = now, Actor = by, Action = LogAction, Subject = AuditWriter.CameraSubject(camera.Key),
            Details = $"{kind} taken from the live snapshot ({width}×{height}{(crop is null ? "" : $", crop {string.Join(",", crop.Select(v => v.ToString(CultureInfo.InvariantCulture)))}")})",
        });
        await db.SaveChangesAsync(ct);
        return row;
    }

    public const string LogAction = "camera.reference";

    /// <summary>The full path of a stored reference, or null if it would leave the folder or is missing.</summary>
    public static string? Resolve(string root, string? relative)
    {
        if (string.IsNullOrEmpty(relative)) return null;
        root = Path.GetFullPath(root);
        string full = Path.GetFullPath(Path.Combine(root, relative));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(full) ? full : null;
    }

    public IReadOnlyList<Entry> List(Camera camera, CameraReferences fromFile) => List(Root, camera, fromFile);

    /// <summary>The camera's references of the four kinds, the app's over the camera file's, each with whether it is stale.</summary>
    /// <param name="root">The reference folder (<see cref="AppSettings.ReferenceRoot"/>).</param>
    /// <param name="camera">Loaded with its <see cref="Camera.References"/>.</param>
    /// <param name="fromFile">The references the camera file names (<see cref="CameraFiles.Complete"/>).</param>
    public static IReadOnlyList<Entry> List(string root, Camera camera, CameraReferences fromFile)
    {
        var entries = new List<Entry>();
        foreach (string kind in ReferenceKinds.All)
        {
            var row = camera.References.FirstOrDefault(r => r.Kind == kind);
            if (row is not null && Resolve(root, row.Path) is { } path)
                entries.Add(new Entry(kind, "app", row.CapturedAt, row.CapturedBy, row.Width, row.Height, IsStale(camera, row.CapturedAt), path));
            else if (FileReference(fromFile, kind) is { } file && File.Exists(file))
            {
                // A camera file's picture was "taken" when the file was last written.
                var written = new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero);
                entries.Add(new Entry(kind, "camera file", written, null, null, null, IsStale(camera, written), file));
            }
        }
        return entries;
    }

    private static bool IsStale(Camera camera, DateTimeOffset takenAt) => camera.MovedAt is { } moved && takenAt <= moved;

    private static string? FileReference(CameraReferences refs, string kind) => kind switch
    {
        ReferenceKinds.FullView => refs.FullView,
        ReferenceKinds.Desk => refs.Desk,
        ReferenceKinds.EmptyChair => refs.EmptyChair,
        ReferenceKinds.PauseSign => refs.PauseSign,
        _ => null,
    };

    /// <summary>
    /// The layout the checks judge by: the references in use (see the class summary for stale ones), and when the view
    /// reference was taken, which <see cref="MarkMoved"/> needs.
    /// </summary>
    public (CameraLayout Layout, DateTimeOffset? ViewTakenAt) InUse(Camera camera, CameraLayout layout)
    {
        var entries = List(camera, layout.References).ToDictionary(e => e.Kind);
        string? Fresh(string kind) => entries.TryGetValue(kind, out var e) && !e.Stale ? e.FullPath : null;
        string? Kept(string kind) => entries.TryGetValue(kind, out var e) ? e.FullPath : null;
        var view = entries.GetValueOrDefault(ReferenceKinds.FullView) ?? entries.GetValueOrDefault(ReferenceKinds.Desk) ?? entries.GetValueOrDefault(ReferenceKinds.EmptyChair);
        var refs = new CameraReferences(Kept(ReferenceKinds.PauseSign), Fresh(ReferenceKinds.EmptyChair), Fresh(ReferenceKinds.Desk), layout.References.Uniform)
        {
            FullView = view?.FullPath, UniformLower = layout.References.UniformLower,
        };
        return (layout with { References = refs }, view?.TakenAt);
    }

    /// <summary>
    /// Camera health says the camera moved: from now on every reference taken before is stale. Only the first such
    /// audit after the view reference was taken counts, so references taken again since (before the view) stay fresh.
    /// </summary>
    public static bool MarkMoved(Camera camera, DateTimeOffset? viewTakenAt, DateTimeOffset now, string reason)
    {
        if (camera.MovedAt is { } moved && (viewTakenAt is null || moved >= viewTakenAt)) return false;
        camera.MovedAt = now;
        camera.MovedReason = reason;
        return true;
    }
}
