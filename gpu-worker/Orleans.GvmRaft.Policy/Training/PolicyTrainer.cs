using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Sampling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Training;

/// <summary>
/// The policy update of an iteration (after stage 2), read top to bottom in <see cref="Step"/>: an
/// optimiser step on PPO's clipped surrogate over response tokens (<see cref="ClippedSurrogate"/>),
/// token-mean, AdamW and global gradient clipping. RAFT++ is that objective on accepted responses
/// with advantage 1 (supervised on what passed, with the ratio to the sampling policy clipped);
/// GRPO uses group-normalised advantages.
/// </summary>
/// <remarks>
/// π_old is the sampling worker's per-token log-probability, which travels with each response
/// (<see cref="PolicyExample.OldLogProbs"/>), under the same temperature-scaled distribution as π_θ
/// here. It is never recomputed from the current weights before a step: from the second mini-batch
/// of an iteration on the policy has moved, and that is what the clip is for.
/// </remarks>
public sealed class PolicyTrainer : IDisposable
{
    private readonly Decoder _model;
    private readonly TrainingOptions _options;
    private readonly AdamW _optimizer;

    /// <summary>Trains <paramref name="model"/>.</summary>
    public PolicyTrainer(Decoder model, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _model = model;
        _options = options;
        _optimizer = optim.AdamW(model.parameters(), lr: options.LearningRate, weight_decay: options.WeightDecay);
    }

    /// <summary>RAFT++: one step on accepted responses (advantage 1).</summary>
    public UpdateMetrics RaftStep(IReadOnlyList<ScoredSequence> accepted) =>
        Step([.. accepted.Select(s => new PolicyExample(s, 1.0))]);

    /// <summary>
    /// One optimiser step on <paramref name="examples"/>. With <paramref name="microBatches"/> &gt; 1
    /// the forward and backward passes go through that many slices and their gradients add up
    /// before the step: each slice's loss is its token sum over the whole mini-batch's token count,
    /// so the step is the one a single pass would make, with a fraction of the activations.
    /// </summary>
    public UpdateMetrics Step(IReadOnlyList<PolicyExample> examples, int microBatches = 1)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentOutOfRangeException.ThrowIfLessThan(microBatches, 1);
        microBatches = Math.Min(microBatches, examples.Count);
        double count = examples.Sum(e => e.Sequence.Response.Length);
        int sliceSize = (examples.Count + microBatches - 1) / microBatches;

        _optimizer.zero_grad();
        double loss = 0, nll = 0, clipped = 0, kl = 0;
        for (int start = 0; start < examples.Count; start += sliceSize)
        {
            using var scope = NewDisposeScope();
            var slice = examples.Skip(start).Take(sliceSize).ToList();
            using var batch = SequenceBatch.Create([.. slice.Select(e => e.Sequence)], _model.Device);
            var advantages = tensor(slice.Select(e => (float)e.Advantage).ToArray(), device: _model.Device).unsqueeze(1);
            var tokens = batch.ResponseTargets;
            var logProbs = TokenLogProbs(_model, batch, _options.Temperature);
            var terms = ClippedSurrogate.Compute(logProbs, OldLogProbs(slice, logProbs), advantages, tokens, _options.ClipEpsilon);
            var sliceLoss = terms.LossSum / count;
            sliceLoss.backward();
            loss += sliceLoss.item<float>();
            nll += -(logProbs.detach() * tokens).sum().item<float>() / count;
            clipped += terms.ClippedTokens;
            kl += terms.KlSum;
        }

        double gradNorm = _options.MaxGradNorm > 0
            ? nn.utils.clip_grad_norm_(_model.parameters(), _options.MaxGradNorm)
            : GlobalGradNorm();
        _optimizer.step();
        return new UpdateMetrics(loss, gradNorm, (long)count, nll, clipped / count, kl / count);
    }

    /// <summary>Writes the optimiser's state (AdamW's step count and moments per parameter) to <paramref name="path"/>.</summary>
    public void SaveOptimizer(string path) => _optimizer.save_state_dict(path);

    /// <summary>Restores the optimiser's state written by <see cref="SaveOptimizer"/> for the same model shape.</summary>
    public void LoadOptimizer(string path) => _optimizer.load_state_dict(path);

    /// <summary>
    /// log π(ids[t + 1] | ids[≤ t]) for every position, (B, L − 1), under the distribution with
    /// logits divided by <paramref name="temperature"/> (the one rollouts are drawn from; 0, greedy, counts as 1).
    /// </summary>
    public static Tensor TokenLogProbs(Decoder model, SequenceBatch batch, double temperature = 1.0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        using var output = model.Forward(batch.Ids, batch.Mask);
        long length = batch.Ids.shape[1];
        var logits = output.Logits.narrow(1, 0, length - 1);
        var logProbs = (temperature > 0 && temperature != 1 ? logits / temperature : logits).log_softmax(-1);
        var next = batch.Ids.narrow(1, 1, length - 1).unsqueeze(-1);
        return logProbs.gather(2, next).squeeze(-1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose() => _optimizer.Dispose();

    // π_old laid out as the batch is: a left-padded row ends with its response, so a response's
    // log-probabilities fill the last positions of its row. A response without them (or with a
    // count that does not match its tokens) takes the current weights' values: ratio 1.
    private static Tensor OldLogProbs(List<PolicyExample> slice, Tensor logProbs)
    {
        long width = logProbs.shape[1];
        var values = new float[slice.Count * width];
        var known = new float[slice.Count * width];
        for (int b = 0; b < slice.Count; b++)
        {
            if (slice[b].OldLogProbs is { } old && old.Length == slice[b].Sequence.Response.Length)
            {
                long offset = (b * width) + width - old.Length;
                for (int j = 0; j < old.Length; j++)
                {
                    values[offset + j] = old[j];
                    known[offset + j] = 1;
                }
            }
        }

        var device = logProbs.device;
        var given = tensor(values, [slice.Count, width], ScalarType.Float32, device);
        var mask = tensor(known, [slice.Count, width], ScalarType.Float32, device);
        return (mask * given) + ((1 - mask) * logProbs.detach());
    }

    private double GlobalGradNorm()
    {
        double squared = 0;
        foreach (var p in _model.parameters())
        {
            if (p.grad is { } g)
            {
                squared += g.pow(2).sum().item<float>();
            }
        }

        return Math.Sqrt(squared);
    }
}
