namespace Orleans.GvmRaft.Client.Failures;

/// <summary>What went wrong in a command that talks to a cluster, as a user acts on it.</summary>
public enum FailureKind
{
    /// <summary>The run, prompt or prompt set named does not exist.</summary>
    NotFound,

    /// <summary>The request was refused and running it again as it is will not help: bad input, no worker silo, a refused TLS setting.</summary>
    Refused,

    /// <summary>No silo of the cluster answered.</summary>
    NoSilo,

    /// <summary>The silo serving the command stopped or went away during it.</summary>
    SiloStopping,

    /// <summary>The cluster did not answer in time.</summary>
    Timeout,

    /// <summary>A stored row holds a value its prompt cannot have (a hand edit); it must be mended.</summary>
    BadStoredRow,

    /// <summary>A device ran out of memory.</summary>
    OutOfDeviceMemory,

    /// <summary>Stopped by the user (Ctrl-C).</summary>
    Interrupted,

    /// <summary>Anything else: a fault of this program.</summary>
    Unexpected,
}
