namespace DeskVision;

/// <summary>A breach of one clause of the standard, seen in one snapshot.</summary>
/// <param name="ClauseId">The clause's stable id, e.g. <c>desk.phone-on-desk</c>.</param>
/// <param name="ZoneName">The zone the evidence lies in.</param>
/// <param name="Evidence">Where on the image: the object's box, or the zone's bounds for an absence.</param>
/// <param name="Points">The deduction, after the clause's per-audit cap.</param>
/// <param name="Reason">One line a person can read, e.g. "cell phone (0.81) in zone desk".</param>
/// <param name="Detection">The detection that triggered it; null for an absence.</param>
public sealed record Violation(string ClauseId, string ZoneName, Box Evidence, double Points, string Reason, Detection? Detection);
