using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Worker.Training;

/// <summary>One trainer job in this process: its task and the progress its steps report.</summary>
public sealed class RunningJob
{
    private readonly string _silo;
    private readonly DateTimeOffset _startedAt;
    private int _step;
    private int _steps;
    private double _loss = double.NaN;

    internal RunningJob(string kind, long version, string silo, DateTimeOffset startedAt, CancellationToken stopping)
    {
        Cancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        Kind = kind;
        Version = version;
        _silo = silo;
        _startedAt = startedAt;
    }

    /// <summary><see cref="TrainerJob.WarmUp"/> or <see cref="TrainerJob.Update"/>.</summary>
    public string Kind { get; }

    /// <summary>The version the job makes.</summary>
    public long Version { get; }

    /// <summary>Ends the job at its next optimiser step: its silo stops, or its trainer grain went away.</summary>
    internal CancellationTokenSource Cancellation { get; }

    /// <summary>What the job made, and where the version is stored.</summary>
    public Task<(PolicyUpdate Update, StoredCheckpoint Checkpoint)> Result { get; internal set; } = null!;

    /// <summary>The job as its grain reports it.</summary>
    public TrainerJob Report() => new(
        Version,
        Kind,
        _silo,
        _startedAt,
        Volatile.Read(ref _step),
        Volatile.Read(ref _steps),
        double.IsNaN(Volatile.Read(ref _loss)) ? null : Volatile.Read(ref _loss),
        Result.IsCompleted,
        Result.Exception?.GetBaseException().Message);

    // Each optimiser step reports itself here, and a stopping silo or a released run ends the job there.
    internal void Progress(int step, int steps, double loss)
    {
        Volatile.Write(ref _loss, loss);
        Volatile.Write(ref _steps, steps);
        Volatile.Write(ref _step, step);
        Cancellation.Token.ThrowIfCancellationRequested();
    }
}
