namespace Orleans.GvmRaft.Policy.Training;

/// <summary>Optimiser and objective settings of the policy update.</summary>
/// <param name="LearningRate">AdamW learning rate.</param>
/// <param name="WeightDecay">AdamW decoupled weight decay.</param>
/// <param name="MaxGradNorm">Global gradient-norm clip (0 = off).</param>
public sealed record TrainingOptions(
    double LearningRate = 1e-5,
    double WeightDecay = 0.0,
    double MaxGradNorm = 1.0)
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
    }
}
