namespace Orleans.GvmRaft;

/// <summary>
/// A grain's state exceeds what its storage can hold in one record; nothing was written. Here, not in
/// the silo, so that a client receiving it across the cluster can read it as this type.
/// </summary>
[GenerateSerializer]
public sealed class GrainStateTooLargeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GrainStateTooLargeException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
