using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Sampling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Training;

/// <summary>
/// The policy update of an iteration (after stage 2), read top to bottom in <see cref="Step"/>: an
/// optimiser step on the policy-gradient objective −A · log π over response tokens, token-mean,
/// AdamW and global gradient clipping. RAFT++ is the same objective on accepted responses with
/// advantage 1 (supervised on what passed); GRPO uses group-normalised advantages.
/// </summary>
/// <remarks>
/// No PPO ratio or KL term: the code that had them took π_old from the current weights just before
/// each step, so the ratio π/π_old was 1 on every token and its clipping never acted, at the cost
/// of a forward pass per step, and no run had a reference policy for the KL term. Clipping that
/// acts needs π_old from the sampling worker's log-probabilities (the policy moves between the
/// mini-batches of an iteration), which is the way to bring it back.
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
        double loss = 0, nll = 0;
        for (int start = 0; start < examples.Count; start += sliceSize)
        {
            using var scope = NewDisposeScope();
            var slice = examples.Skip(start).Take(sliceSize).ToList();
            using var batch = SequenceBatch.Create([.. slice.Select(e => e.Sequence)], _model.Device);
            var advantages = tensor(slice.Select(e => (float)e.Advantage).ToArray(), device: _model.Device).unsqueeze(1);
            var tokens = batch.ResponseTargets;
            var logProbs = TokenLogProbs(_model, batch);
            var sliceLoss = -(advantages * logProbs * tokens).sum() / count;
            sliceLoss.backward();
            loss += sliceLoss.item<float>();
            nll += -(logProbs.detach() * tokens).sum().item<float>() / count;
        }

        double gradNorm = _options.MaxGradNorm > 0
            ? nn.utils.clip_grad_norm_(_model.parameters(), _options.MaxGradNorm)
            : GlobalGradNorm();
        _optimizer.step();
        return new UpdateMetrics(loss, gradNorm, (long)count, nll);
    }

    /// <summary>Writes the optimiser's state (AdamW's step count and moments per parameter) to <paramref name="path"/>.</summary>
    public void SaveOptimizer(string path) => _optimizer.save_state_dict(path);

    /// <summary>Restores the optimiser's state written by <see cref="SaveOptimizer"/> for the same model shape.</summary>
    public void LoadOptimizer(string path) => _optimizer.load_state_dict(path);

    /// <summary>log π(ids[t + 1] | ids[≤ t]) for every position, (B, L − 1).</summary>
    public static Tensor TokenLogProbs(Decoder model, SequenceBatch batch)
    {
        using var scope = NewDisposeScope();
        using var output = model.Forward(batch.Ids, batch.Mask);
        long length = batch.Ids.shape[1];
        var logProbs = output.Logits.narrow(1, 0, length - 1).log_softmax(-1);
        var next = batch.Ids.narrow(1, 1, length - 1).unsqueeze(-1);
        return logProbs.gather(2, next).squeeze(-1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose() => _optimizer.Dispose();

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
