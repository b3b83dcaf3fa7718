using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Client.Demo;

/// <summary>
/// A stand-in for a real policy until the GPU workers exist: each prompt's chance of an accepted
/// response falls with the digits in its problem and rises as the policy "learns" from accepted
/// samples; gradient norms grow with difficulty. Seeded, so a demo run is reproducible.
/// </summary>
public sealed class SyntheticPolicy(int seed)
{
    private readonly Random _random = new(seed);
    private double _skill;

    /// <summary>How many policy updates have been applied.</summary>
    public long Version { get; private set; }

    /// <summary>The true acceptance probability of <paramref name="prompt"/> under the current policy.</summary>
    public double AcceptProbability(PromptDefinition prompt)
    {
        int digits = prompt.Text.Count(char.IsAsciiDigit);
        bool multiply = prompt.Text.Contains('*', StringComparison.Ordinal);
        double logit = 4.0 + _skill - (0.9 * digits) - (multiply ? 1.5 : 0);
        return 1 / (1 + Math.Exp(-logit));
    }

    /// <summary>Draws <paramref name="attempts"/> responses and reports them as one batch.</summary>
    public RolloutReport Rollouts(PromptDefinition prompt, string runId, int iteration, RolloutStage stage, int attempts)
    {
        double p = AcceptProbability(prompt);
        double scale = 1 + (0.25 * prompt.Text.Count(char.IsAsciiDigit));
        int accepted = 0;
        var norms = new List<double>();
        for (int i = 0; i < attempts; i++)
        {
            if (_random.NextDouble() < p)
            {
                accepted++;
                norms.Add(scale * Math.Exp(0.2 * Gaussian()));
            }
        }

        return new RolloutReport(
            $"{runId}/{iteration}/{stage}/{prompt.Id}",
            runId,
            iteration,
            Version,
            stage,
            attempts,
            accepted,
            [.. norms]);
    }

    /// <summary>One update: the more accepted samples it trains on, the more the policy improves.</summary>
    public void Update(int acceptedSamples)
    {
        _skill += 0.004 * acceptedSamples;
        Version++;
    }

    private double Gaussian() =>
        Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
}
