using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Sampling;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Probe;

/// <summary>
/// Per-response ‖∇_θS (−log π(y|x))‖₂ for a batch in one forward and at most one backward pass,
/// exact, instead of one backward pass per response.
/// </summary>
/// <remarks>
/// For one response, let H (R×d) be the final hidden states at the positions that predict its R
/// tokens, A = onehot(y) − softmax(logits) there (R×V), and g_t (d) the gradient of its loss with
/// respect to the embedding activation at each of its real positions t, whose token is x_t.
/// <list type="bullet">
/// <item>lm_head: ∇ = −AᵀH and ‖AᵀH‖² = Σ (AAᵀ) ∘ (HHᵀ), no backward pass at all.</item>
/// <item>embed_tokens: ∇ = Σ_t e_{x_t} g_tᵀ, and ‖·‖² = Σ_{t,u} [x_t = x_u] g_t·g_u, from one backward
/// pass of the summed batch loss to the activations (responses do not interact, so each row's
/// activation gradient is its own).</item>
/// <item>tied embeddings: the shared matrix receives both, and ‖X + Y‖² = ‖X‖² + ‖Y‖² + 2⟨X, Y⟩
/// with ⟨X, Y⟩ = −Σ_{s,t} A[s, x_t] (h_s · g_t).</item>
/// </list>
/// The small per-response products are taken in float64.
/// </remarks>
public sealed class GradientNormProbe(Decoder model)
{
    /// <summary>The gradient norm of each sequence's response log-likelihood, in input order.</summary>
    public double[] Measure(IReadOnlyList<ScoredSequence> sequences, ProbeTarget target)
    {
        using var scope = NewDisposeScope();
        using var batch = SequenceBatch.Create(sequences, model.Device);
        bool tied = model.Config.TieWordEmbeddings;
        bool needEmbedding = target == ProbeTarget.EmbedTokens || tied;
        bool needOutput = target == ProbeTarget.LmHead || tied;

        Tensor embeds;
        using (no_grad())
        {
            embeds = model.Embed(batch.Ids).detach();
        }

        embeds.requires_grad_(needEmbedding);
        Tensor? activationGrads = null;
        DecoderOutput output;
        using (enable_grad(needEmbedding))
        {
            output = model.ForwardEmbeddings(embeds, batch.Mask);
            if (needEmbedding)
            {
                var logProbs = output.Logits.narrow(1, 0, output.Logits.shape[1] - 1).log_softmax(-1);
                var tokenLogProbs = logProbs.gather(2, batch.Ids.narrow(1, 1, batch.Ids.shape[1] - 1).unsqueeze(-1)).squeeze(-1);
                var loss = -(tokenLogProbs * batch.ResponseTargets).sum();
                activationGrads = autograd.grad([loss], [embeds])[0] * batch.Mask.unsqueeze(-1);
            }
        }

        var norms = new double[sequences.Count];
        using (no_grad())
        {
            for (int b = 0; b < sequences.Count; b++)
            {
                using var row = NewDisposeScope();
                double squared = 0;
                var realPositions = batch.Mask[b].nonzero().squeeze(-1);
                var targetPositions = batch.ResponseTargets[b].nonzero().squeeze(-1);
                Tensor? a = null, h = null, g = null, x = null;
                if (needOutput)
                {
                    var logits = output.Logits[b].index_select(0, targetPositions).to_type(ScalarType.Float64);
                    var tokens = batch.Ids[b].index_select(0, targetPositions + 1);
                    a = -logits.softmax(-1);
                    a.scatter_add_(1, tokens.unsqueeze(-1), ones([tokens.shape[0], 1], ScalarType.Float64, model.Device));
                    h = output.Hidden[b].index_select(0, targetPositions).to_type(ScalarType.Float64);
                    squared += (a.matmul(a.t()) * h.matmul(h.t())).sum().item<double>();
                }

                if (needEmbedding)
                {
                    g = activationGrads![b].index_select(0, realPositions).to_type(ScalarType.Float64);
                    x = batch.Ids[b].index_select(0, realPositions);
                    var sameToken = x.unsqueeze(1).eq(x.unsqueeze(0)).to_type(ScalarType.Float64);
                    squared += (sameToken * g.matmul(g.t())).sum().item<double>();
                }

                if (needOutput && needEmbedding)
                {
                    var aAtInputs = a!.index_select(1, x!);
                    squared -= 2 * (aAtInputs * h!.matmul(g!.t())).sum().item<double>();
                }

                norms[b] = Math.Sqrt(Math.Max(0, squared));
            }
        }

        output.Dispose();
        return norms;
    }
}
