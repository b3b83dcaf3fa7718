using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Runs;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Worker.Training;

/// <summary>
/// The last few supervised warm-ups of the arithmetic preset, by what made them, so runs that differ
/// only in how they spend their rollouts (an experiment's arms on one seed) start from one warm-up
/// instead of training the same weights again. The arithmetic decoder is small (a few MB); a
/// model of the team's own is never kept here.
/// </summary>
public sealed class WarmupCache : IDisposable
{
    /// <summary>Warm-ups kept at once; the oldest goes first.</summary>
    public const int Capacity = 8;

    private readonly Lock _gate = new();
    private readonly LinkedList<(string Key, Dictionary<string, Tensor> Weights, double Nll)> _entries = new();

    /// <summary>
    /// What decides a warm-up's weights: everything a warm-up reads, nothing that only RL reads
    /// (learning rate, sampling, allocation).
    /// </summary>
    public static string KeyOf(PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return string.Join('|', settings.Preset, settings.Model, settings.Seed, settings.WarmupSteps, settings.WarmupExamples, settings.PromptFormat, settings.SystemPrompt, settings.Device, settings.DType);
    }

    /// <summary>Copies a kept warm-up with key <paramref name="key"/> into <paramref name="model"/>; returns its last NLL, or null when none is kept.</summary>
    public double? TryRestore(string key, Decoder model)
    {
        ArgumentNullException.ThrowIfNull(model);
        lock (_gate)
        {
            var node = _entries.First;
            while (node is not null && node.Value.Key != key)
            {
                node = node.Next;
            }

            if (node is null)
            {
                return null;
            }

            using (no_grad())
            {
                foreach (var (name, parameter) in model.named_parameters())
                {
                    parameter.copy_(node.Value.Weights[name]);
                }
            }

            _entries.Remove(node);
            _entries.AddFirst(node);
            return node.Value.Nll;
        }
    }

    /// <summary>Keeps a copy of <paramref name="model"/>'s weights as the warm-up with key <paramref name="key"/>.</summary>
    public void Store(string key, Decoder model, double nll)
    {
        ArgumentNullException.ThrowIfNull(model);
        var weights = new Dictionary<string, Tensor>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            using var detached = parameter.detach();
            weights[name] = detached.clone();
        }

        lock (_gate)
        {
            _entries.AddFirst((key, weights, nll));
            while (_entries.Count > Capacity)
            {
                Release(_entries.Last!.Value.Weights);
                _entries.RemoveLast();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var entry in _entries)
            {
                Release(entry.Weights);
            }

            _entries.Clear();
        }
    }

    private static void Release(Dictionary<string, Tensor> weights)
    {
        foreach (var tensor in weights.Values)
        {
            tensor.Dispose();
        }
    }
}
