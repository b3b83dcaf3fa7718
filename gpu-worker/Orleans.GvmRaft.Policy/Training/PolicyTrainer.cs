using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Sampling;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Training;

/// <summary>
/// The policy update of DESIGN.md §1, step 4, read top to bottom in <see cref="Step"/>: the
/// PPO-clip objective on response tokens, token-mean, optional k3 KL to a reference policy, AdamW
/// and global gradient clipping. RAFT++ is the same objective on accepted responses with advantage
/// 1 (supervised on what passed, with the ratio clipped when one batch serves several steps);
/// GRPO uses group-normalised advantages.
/// </summary>
public sealed class PolicyTrainer : IDisposable
{
    private readonly Decoder _model;
    private readonly Decoder? _reference;
    private readonly TrainingOptions _options;
    private readonly AdamW _optimizer;

    /// <summary>Trains <paramref name="model"/>; <paramref name="reference"/> is the frozen policy the KL term pulls towards.</summary>
    public PolicyTrainer(Decoder model, TrainingOptions options, Decoder? reference = null)
    {
        options.Validate();
        _model = model;
        _reference = reference;
        _options = options;
        _optimizer = optim.AdamW(model.parameters(), lr: options.LearningRate, weight_decay: options.WeightDecay);
    }

    /// <summary>
    /// Log-probabilities (B, L − 1) of every next token under the current policy, without gradients:
    /// the π_old of the steps that follow, taken before the first of them.
    /// </summary>
    public Tensor OldLogProbs(SequenceBatch batch)
    {
        using var noGrad = no_grad();
        return TokenLogProbs(_model, batch);
    }

    /// <summary>RAFT++: one step on accepted responses (advantage 1).</summary>
    public UpdateMetrics RaftStep(IReadOnlyList<ScoredSequence> accepted, Tensor? oldLogProbs = null) =>
        Step([.. accepted.Select(s => new PolicyExample(s, 1.0))], oldLogProbs);

    /// <summary>One optimiser step on <paramref name="examples"/>; π_old is the current policy unless given.</summary>
    public UpdateMetrics Step(IReadOnlyList<PolicyExample> examples, Tensor? oldLogProbs = null)
    {
        using var scope = NewDisposeScope();
        using var batch = SequenceBatch.Create([.. examples.Select(e => e.Sequence)], _model.Device);
        var old = oldLogProbs ?? OldLogProbs(batch);
        var advantages = tensor(examples.Select(e => (float)e.Advantage).ToArray(), device: _model.Device).unsqueeze(1);
        var tokens = batch.ResponseTargets;
        double count = tokens.sum().item<float>();

        _optimizer.zero_grad();
        var logProbs = TokenLogProbs(_model, batch);
        var ratio = (logProbs - old).exp();
        var clipped = ratio.clamp(1 - _options.ClipEpsilon, 1 + _options.ClipEpsilon);
        var surrogate = minimum(ratio * advantages, clipped * advantages);
        var loss = -(surrogate * tokens).sum() / count;

        var kl = zeros(1, device: _model.Device);
        if (_reference is not null && _options.KlCoefficient > 0)
        {
            Tensor referenceLogProbs;
            using (no_grad())
            {
                referenceLogProbs = TokenLogProbs(_reference, batch);
            }

            // k3 = exp(ref − logπ) − (ref − logπ) − 1: unbiased, non-negative, low variance.
            var delta = referenceLogProbs - logProbs;
            kl = ((delta.exp() - delta - 1) * tokens).sum() / count;
            loss = loss + (_options.KlCoefficient * kl);
        }

        loss.backward();
        double gradNorm = _options.MaxGradNorm > 0
            ? nn.utils.clip_grad_norm_(_model.parameters(), _options.MaxGradNorm)
            : GlobalGradNorm();
        _optimizer.step();

        double clipFraction = ((ratio - clipped).abs().gt(1e-6).to_type(ScalarType.Float32) * tokens).sum().item<float>() / count;
        return new UpdateMetrics(
            loss.item<float>(),
            (ratio.detach() * tokens).sum().item<float>() / count,
            clipFraction,
            gradNorm,
            kl.item<float>(),
            (long)count,
            -(logProbs.detach() * tokens).sum().item<float>() / count);
    }

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
