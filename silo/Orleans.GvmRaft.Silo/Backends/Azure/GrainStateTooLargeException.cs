namespace Orleans.GvmRaft.Silo.Backends;

/// <summary>A grain's state exceeds what its storage can hold in one record; nothing was written.</summary>
[GenerateSerializer]
public sealed class GrainStateTooLargeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GrainStateTooLargeException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
