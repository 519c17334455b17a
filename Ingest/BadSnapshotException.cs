namespace DeskVision.Ingest;

/// <summary>The snapshot cannot be audited; the message is the reason stored on the failed audit.</summary>
public sealed class BadSnapshotException(string message, Exception? inner = null) : Exception(message, inner);
