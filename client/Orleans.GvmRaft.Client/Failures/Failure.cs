namespace Orleans.GvmRaft.Client.Failures;

/// <summary>A failure as a command reports it: its kind and its one line.</summary>
/// <param name="Kind">What went wrong.</param>
/// <param name="Message">One line saying what and what to do, without the command's name.</param>
public sealed record Failure(FailureKind Kind, string Message)
{
    /// <summary>The exit code of <see cref="Kind"/>.</summary>
    public int ExitCode => FailureContract.ExitCode(Kind);
}
