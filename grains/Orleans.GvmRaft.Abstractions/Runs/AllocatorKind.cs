namespace Orleans.GvmRaft.Runs;

/// <summary>How a run spends its stage-2 budget.</summary>
public enum AllocatorKind
{
    /// <summary>Gradient-variance-minimising allocation.</summary>
    Gvm,

    /// <summary>The baseline: the same n = N / B for every prompt.</summary>
    Uniform,

    /// <summary>
    /// Reinforce-Ada-style online rounds: after stage 1, the budget is drawn in rounds of at most
    /// <see cref="RunConfig.RoundSamples"/> per prompt; a prompt leaves once it has one accepted and
    /// one rejected response, or <see cref="RunConfig.EnoughAccepted"/> accepted.
    /// </summary>
    Ada,

    /// <summary>
    /// DAPO-style dynamic sampling, for GRPO: stage 1 draws each prompt's group; groups whose rewards
    /// are all equal are dropped and the budget draws groups of fresh prompts in their place, until the
    /// batch holds B informative groups or the budget is spent.
    /// </summary>
    Dapo,
}
