namespace Orleans.GvmRaft.Runs;

/// <summary>How a run spends its stage-2 budget.</summary>
public enum AllocatorKind
{
    /// <summary>Gradient-variance-minimising allocation.</summary>
    Gvm,

    /// <summary>The baseline: the same n = N / B for every prompt.</summary>
    Uniform,
}
