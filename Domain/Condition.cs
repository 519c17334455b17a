namespace DeskVision;

/// <summary>
/// A clause of the standard seen broken in a zone: what "the same condition" means from one snapshot to the next, for
/// 整改 (a later audit that no longer shows it has rectified it).
/// </summary>
/// <param name="ClauseId">The clause's stable id, e.g. <c>presence.unattended-window</c>.</param>
public readonly record struct Condition(string ClauseId, string ZoneName);
