namespace Orleans.GvmRaft.Runs;

/// <summary>The policy update a run uses (DESIGN.md §1, step 4).</summary>
public enum TrainingAlgorithm
{
    /// <summary>Reward-ranked fine-tuning on accepted responses with a clipped importance ratio.</summary>
    RaftPlusPlus,

    /// <summary>Group-normalised advantages with the PPO-clip objective.</summary>
    Grpo,
}
