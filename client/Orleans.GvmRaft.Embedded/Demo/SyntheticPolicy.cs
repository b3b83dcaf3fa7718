using Orleans.GvmRaft.Client.External;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;

namespace Orleans.GvmRaft.Embedded.Demo;

/// <summary>
/// A stand-in policy with no model, for the demo: each prompt's chance of an accepted response
/// falls with the digits in its problem and rises as the policy "learns" from accepted samples;
/// gradient norms grow with difficulty. Seeded, so a demo run is reproducible.
/// </summary>
public sealed class SyntheticPolicy(int seed)
{
    private readonly Random _random = new(seed);
    private long _version;
    private int _acceptedThisVersion;
    private double _skill;

    /// <summary>The true acceptance probability of <paramref name="prompt"/> under the current policy.</summary>
    public double AcceptProbability(PromptDefinition prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        int digits = prompt.Text.Count(char.IsAsciiDigit);
        bool multiply = prompt.Text.Contains('*', StringComparison.Ordinal);
        double logit = 4.0 + _skill - (0.9 * digits) - (multiply ? 1.5 : 0);
        return 1 / (1 + Math.Exp(-logit));
    }

    /// <summary>
    /// Draws the responses <paramref name="item"/> asks for. Work of a newer policy version first
    /// applies the update: the more accepted samples the last version drew, the more it improves.
    /// </summary>
    public ItemResults Draw(RolloutWorkItem item, PromptDefinition prompt)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.PolicyVersion > _version)
        {
            _skill += 0.004 * _acceptedThisVersion;
            _acceptedThisVersion = 0;
            _version = item.PolicyVersion;
        }

        double p = AcceptProbability(prompt);
        double scale = 1 + (0.25 * prompt.Text.Count(char.IsAsciiDigit));
        int[] rewards = new int[item.Count];
        var norms = new List<double>();
        for (int i = 0; i < rewards.Length; i++)
        {
            if (_random.NextDouble() < p)
            {
                rewards[i] = 1;
                norms.Add(scale * Math.Exp(0.2 * Gaussian()));
            }
        }

        _acceptedThisVersion += norms.Count;
        return ExternalWorker.Results(item, rewards, [.. norms]);
    }

    private double Gaussian() =>
        Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
}
