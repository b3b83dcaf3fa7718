namespace Orleans.GvmRaft.Client.Failures;

/// <summary>The run, prompt or prompt set a command names does not exist.</summary>
public sealed class NotFoundException(string message) : Exception(message);
