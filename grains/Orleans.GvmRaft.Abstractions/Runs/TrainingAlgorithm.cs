namespace Orleans.GvmRaft.Runs;

/// <summary>The policy update a run uses (RAFT++ on accepted responses, or GRPO on group-normalised advantages).</summary>
public enum TrainingAlgorithm
{
    /// <summary>Reward-ranked fine-tuning: a policy-gradient step on accepted responses with advantage 1.</summary>
    RaftPlusPlus,

    /// <summary>A policy-gradient step with group-normalised advantages (reward minus the group's mean, over its standard deviation).</summary>
    Grpo,
}
