using Orleans.GvmRaft.Policy.Training;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Tests.Policy;

[Collection(TorchCollection.Name)]
public sealed class ClippedSurrogateTests
{
    [Fact]
    public void TheClipBindsOnlyWhereTheRatioHasMovedPastEpsilonInTheAdvantagesDirection()
    {
        // One token per row, ε = 0.2; by hand, per row, ρ = π / π_old, term = min(ρA, clip(ρ)A):
        //   A = +1, ρ = 0.50 / 0.25 = 2.0: clip(ρ)A = 1.2 < 2.0 → binds, term 1.2, d(−term)/d log π = 0
        //   A = +1, ρ = 0.55 / 0.50 = 1.1: inside → term 1.1, d(−term)/d log π = −ρA = −1.1
        //   A = −1, ρ = 0.10 / 0.20 = 0.5: clip(ρ)A = −0.8 < −0.5 → binds, term −0.8, gradient 0
        //   A = −1, ρ = 0.40 / 0.20 = 2.0: ρA = −2.0 < −1.2 → the unclipped term, gradient −ρA = 2.0
        // A fifth position is padding (token mask 0) with a ratio that would bind: it counts for nothing.
        using var scope = NewDisposeScope();
        var logProbs = tensor(new[] { Math.Log(0.5), Math.Log(0.55), Math.Log(0.1), Math.Log(0.4), Math.Log(0.9) }.Select(x => (float)x).ToArray(), [5, 1]).requires_grad_();
        var old = tensor(new[] { Math.Log(0.25), Math.Log(0.5), Math.Log(0.2), Math.Log(0.2), Math.Log(0.1) }.Select(x => (float)x).ToArray(), [5, 1]);
        var advantages = tensor(new float[] { 1, 1, -1, -1, 1 }, [5, 1]);
        var tokens = tensor(new float[] { 1, 1, 1, 1, 0 }, [5, 1]);

        var terms = ClippedSurrogate.Compute(logProbs, old, advantages, tokens, epsilon: 0.2);
        terms.LossSum.backward();

        Assert.Equal(-(1.2 + 1.1 - 0.8 - 2.0), terms.LossSum.item<float>(), 5);
        Assert.Equal(2.0, terms.ClippedTokens);
        float[] gradient = [.. logProbs.grad!.data<float>()];
        Assert.Equal(0.0, gradient[0], 6);
        Assert.Equal(-1.1, gradient[1], 5);
        Assert.Equal(0.0, gradient[2], 6);
        Assert.Equal(2.0, gradient[3], 5);
        Assert.Equal(0.0, gradient[4], 6);

        // k3 = (ρ − 1) − ln ρ summed over the four tokens.
        double kl = new[] { 2.0, 1.1, 0.5, 2.0 }.Sum(r => r - 1 - Math.Log(r));
        Assert.Equal(kl, terms.KlSum, 5);
    }

    [Fact]
    public void WithTheRatioAtOneTheGradientIsThePlainPolicyGradient()
    {
        // π_old = π: ρ = 1 everywhere, nothing binds, and d(−ρA)/d log π = −A: the −A · log π step.
        using var scope = NewDisposeScope();
        var logProbs = tensor(new float[] { -0.3f, -1.7f, -0.9f }, [3, 1]).requires_grad_();
        var advantages = tensor(new float[] { 0.5f, -2f, 1f }, [3, 1]);
        var tokens = ones([3, 1]);
        var terms = ClippedSurrogate.Compute(logProbs, logProbs.detach(), advantages, tokens, epsilon: 0.2);
        terms.LossSum.backward();
        Assert.Equal([-0.5f, 2f, -1f], logProbs.grad!.data<float>().ToArray());
        Assert.Equal(0.0, terms.ClippedTokens);
        Assert.Equal(0.0, terms.KlSum, 6);
    }
}
