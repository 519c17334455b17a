using System.Diagnostics;
using DeskVision.Scoring;

namespace DeskVision.Audits;

/// <summary>
/// One audit, run and stored: the pipeline on a snapshot, its evidence picture kept (faces blurred), the result stored
/// with its detections, violations and the rectifications it causes. The camera jobs (<see cref="CameraAudit"/>),
/// <c>deskvision audit --store</c> and the bench all store an audit through <see cref="RunAsync"/>.
/// </summary>
/// <param name="evidence">Where snapshot pictures are kept; null: none is kept (the bench).</param>
public sealed class Auditor(AuditPipeline pipeline, AuditWriter writer, EvidenceFolder? evidence)
{
    public async Task<StoredAudit> RunAsync(AuditRun run, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var result = pipeline.Run(run.Snapshot, run.Layout, run.Earlier, run.Seen, run.Standard);
        var judging = clock.Elapsed;
        run.Judged?.Invoke(result);
        string? saved = evidence is not null && run.Snapshot.Image.Length > 0 ? await evidence.SaveAsync(run.Snapshot, ct, result.Detections) : null;
        long id = await writer.SaveAsync(result, run.CameraId, run.StandardVersionId, run.Snapshot.Source, saved, run.RunKey, ct, run.PlannedAuditId);
        return new StoredAudit(id, result, judging);
    }
}

/// <summary>What one audit is run on, and stored under.</summary>
/// <param name="Standard">The version to judge by; null: the one the pipeline was made with.</param>
public sealed record AuditRun(Snapshot Snapshot, CameraLayout Layout, int CameraId, Standard? Standard, int? StandardVersionId)
{
    /// <summary>The frames just before this one, for rules over several snapshots (see <see cref="AuditPipeline.Run(Snapshot, CameraLayout, IReadOnlyList{Frame}, SeenBefore?, Standard?)"/>).</summary>
    public IReadOnlyList<Frame> Earlier { get; init; } = [];
    public SeenBefore? Seen { get; init; }
    /// <summary>A retried run with the same key stores nothing and gets the first audit's id.</summary>
    public string? RunKey { get; init; }
    public long? PlannedAuditId { get; init; }
    /// <summary>Called with the result before it is stored: what the caller changes on tracked rows then (the camera's
    /// health) is saved with the audit, in the same transaction.</summary>
    public Action<AuditResult>? Judged { get; init; }
}

/// <param name="Judging">How long the pipeline took, storing not counted (the bench reports the two apart).</param>
public sealed record StoredAudit(long Id, AuditResult Result, TimeSpan Judging);
