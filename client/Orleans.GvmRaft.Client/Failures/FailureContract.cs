using Microsoft.Extensions.Options;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Client.Input;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Client.Failures;

/// <summary>
/// The one table of how a command that talks to a cluster fails: each kind of failure, its exit
/// code, and what it means. A failing command writes exactly one line to standard error,
/// <c>gvm COMMAND: WHAT</c>, and exits with its kind's code. README.md shows this table; a test
/// checks that the two agree.
/// </summary>
public static class FailureContract
{
    /// <summary>
    /// Every kind with its exit code, whether running the same command again later can succeed
    /// (what a Kubernetes Job retries), and its meaning, in the order README.md lists them.
    /// </summary>
    public static IReadOnlyList<(FailureKind Kind, int ExitCode, bool Retry, string Meaning)> Table { get; } =
    [
        (FailureKind.NotFound, 1, false, "not found: no run, prompt or prompt set has that id"),
        (FailureKind.Refused, 2, false, "refused: bad input, a configuration the cluster refuses, no worker silo, TLS settings refused"),
        (FailureKind.NoSilo, 3, true, "no silo: nothing answered at the gateway or in the membership table"),
        (FailureKind.SiloStopping, 4, true, "silo stopping: the silo serving the command stopped or went away during it"),
        (FailureKind.Timeout, 5, true, "timeout: a call got no answer within --timeout seconds; it may still have taken effect"),
        (FailureKind.BadStoredRow, 6, false, "bad stored row: a prompt's row holds a value it cannot have (a hand edit); mend or restore it"),
        (FailureKind.OutOfDeviceMemory, 7, false, "out of device memory: lower the setting the message names"),
        (FailureKind.Unexpected, 70, false, "unexpected: a fault of gvm itself; the message names the exception"),
        (FailureKind.Interrupted, 130, false, "interrupted: Ctrl-C"),
    ];

    /// <summary>The exit code of <paramref name="kind"/>.</summary>
    public static int ExitCode(FailureKind kind) => Table.Single(row => row.Kind == kind).ExitCode;

    /// <summary>
    /// Which kind <paramref name="exception"/> is, and its one line. <paramref name="interrupted"/>
    /// says whether the user cancelled the command, which turns a cancellation into an interruption.
    /// </summary>
    public static Failure Classify(Exception exception, bool interrupted)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var e = exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : exception;
        return e switch
        {
            OperationCanceledException when interrupted => new(FailureKind.Interrupted, "interrupted."),
            NotFoundException => new(FailureKind.NotFound, OneLine(e.Message)),
            ClusterUnavailableException => new(FailureKind.NoSilo, OneLine(e.Message)),
            TimeoutException or OperationCanceledException => new(FailureKind.Timeout, $"the cluster did not answer in time ({FirstSentence(e.Message)}); the request may still have taken effect: check with 'gvm run status', or raise --timeout."),

            // A silo stopping rejects calls, or the connection to it drops; a client whose gateway
            // went away disposes what it was using.
            SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or ObjectDisposedException =>
                new(FailureKind.SiloStopping, $"the silo serving this command stopped or went away ({FirstSentence(e.Message)}); run the command again once the cluster is up."),
            PromptRowException => new(FailureKind.BadStoredRow, OneLine(e.Message)),
            _ when IsOutOfDeviceMemory(e) => new(FailureKind.OutOfDeviceMemory, $"out of device memory ({FirstSentence(e.Message)}): lower policy.miniBatch or raise policy.gradientAccumulation for updates, or lower Gvm:Worker:SampleBatch for rollouts."),
            NoWorkerSiloException or InputFileException or PromptConflictException or ArgumentException or InvalidOperationException
                or IOException or UnauthorizedAccessException or FormatException or OptionsValidationException => new(FailureKind.Refused, OneLine(e.Message)),
            OrleansException when e.Message.Contains("No active nodes are compatible", StringComparison.Ordinal) =>
                new(FailureKind.Refused, "no silo of the cluster can host what this command needs; start a worker silo (gvm-worker) and run it again."),
            _ => new(FailureKind.Unexpected, $"unexpected {e.GetType().Name}: {OneLine(e.Message)}"),
        };
    }

    /// <summary>
    /// Runs a command's <paramref name="action"/>; whatever it throws becomes the one line and exit
    /// code of its kind, with <paramref name="command"/> (<c>run start</c>) naming the command.
    /// </summary>
    public static async Task<int> RunAsync(System.CommandLine.ParseResult result, string command, CancellationToken cancellationToken, Func<Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return await action();
        }
        catch (Exception e)
        {
            return Report(result.InvocationConfiguration.Error, command, Classify(e, cancellationToken.IsCancellationRequested));
        }
    }

    /// <summary>Writes <paramref name="failure"/> as its one line for <paramref name="command"/> and returns its exit code.</summary>
    public static int Report(TextWriter error, string command, Failure failure)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(failure);
        error.WriteLine($"gvm {command}: {failure.Message}");
        return failure.ExitCode;
    }

    // CUDA's allocator and TorchSharp word it so; a host out of memory is the runtime's own exception.
    private static bool IsOutOfDeviceMemory(Exception e) =>
        e.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase) && e is not OutOfMemoryException;

    private static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string FirstSentence(string message)
    {
        string line = OneLine(message);
        int end = line.IndexOf(". ", StringComparison.Ordinal);
        return (end < 0 ? line : line[..end]).TrimEnd('.');
    }
}
