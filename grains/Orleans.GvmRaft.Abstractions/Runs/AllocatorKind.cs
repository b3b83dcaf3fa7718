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

    /// <summary>
    /// Knapsack RL (arXiv 2509.25849): from each prompt's pass rate on its previous visit by the run
    /// (the previous epoch under the epoch sampler), with no stage 1; a prompt without one is drawn as
    /// uniform draws it. The whole iteration's n0·B + N is allocated by the knapsack rule of DESIGN §4.
    /// </summary>
    Knapsack,

    /// <summary>
    /// GRESO (arXiv 2506.02177): uniform draws, except that a prompt whose recent epochs were all
    /// correct or all wrong is skipped before any rollout with a probability that grows with the streak.
    /// </summary>
    Greso,

    /// <summary>
    /// GVM with each prompt's persisted statistics as a prior on p and G, discounted by how many
    /// policy versions old they are (<see cref="RunConfig.History"/>): each prompt asks for the
    /// stage-1 draws its prior lacks, then the GVM rule allocates on prior and draws together.
    /// </summary>
    GvmHistory,
}
