namespace Orleans.GvmRaft.Policy.Training;

/// <summary>Optimiser and objective settings of the policy update.</summary>
/// <param name="LearningRate">AdamW learning rate.</param>
/// <param name="WeightDecay">AdamW decoupled weight decay.</param>
/// <param name="MaxGradNorm">Global gradient-norm clip (0 = off).</param>
/// <param name="ClipEpsilon">PPO's ε: the ratio π_θ / π_old is clipped to [1 − ε, 1 + ε].</param>
/// <param name="Temperature">The sampling temperature: π_θ is the distribution of logits / T, as π_old was (0 counts as 1).</param>
public sealed record TrainingOptions(
    double LearningRate = 1e-5,
    double WeightDecay = 0.0,
    double MaxGradNorm = 1.0,
    double ClipEpsilon = 0.2,
    double Temperature = 1.0)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
        {
            throw new ArgumentException($"training: learningRate must be > 0 (got {LearningRate}).");
        }

        if (!(WeightDecay >= 0))
        {
            throw new ArgumentException($"training: weightDecay must be >= 0 (got {WeightDecay}).");
        }

        if (!(MaxGradNorm >= 0))
        {
            throw new ArgumentException($"training: maxGradNorm must be >= 0 (got {MaxGradNorm}).");
        }

        if (!(ClipEpsilon > 0 && ClipEpsilon < 1))
        {
            throw new ArgumentException($"training: clipEpsilon must be in (0, 1) (got {ClipEpsilon}).");
        }

        if (!(Temperature >= 0) || !double.IsFinite(Temperature))
        {
            throw new ArgumentException($"training: temperature must be >= 0 (got {Temperature}).");
        }
    }
}
