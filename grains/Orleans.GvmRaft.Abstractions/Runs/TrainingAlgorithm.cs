namespace Orleans.GvmRaft.Runs;

/// <summary>The policy update a run uses (RAFT++ on accepted responses, or GRPO on group-normalised advantages).</summary>
public enum TrainingAlgorithm
{
    /// <summary>Reward-ranked fine-tuning on accepted responses with a clipped importance ratio.</summary>
    RaftPlusPlus,

    /// <summary>Group-normalised advantages with the PPO-clip objective.</summary>
    Grpo,
}
