namespace Orleans.GvmRaft.Embedded.Bench;

/// <summary>What <c>gvm-embedded bench pool</c> measured; <c>--json</c> prints it as it is.</summary>
public sealed record PoolResult(
    int Prompts,
    int Batch,
    string Storage,
    int Cores,
    double ImportPromptsPerSecond,
    double ImportSeconds,
    int ActivationsAfterImport,
    long WorkingSetAfterImportBytes,
    double SolveMs,
    int RecordedPrompts,
    double RecordColdReportsPerSecond,
    double RecordReportsPerSecond,
    double IterationControlPlaneMs,
    IReadOnlyList<double> IterationMs,
    long PeakWorkingSetBytes,
    int ActivationsAtEnd);
