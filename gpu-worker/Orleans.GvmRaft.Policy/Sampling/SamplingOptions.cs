namespace Orleans.GvmRaft.Policy.Sampling;

/// <summary>How responses are drawn.</summary>
/// <param name="MaxNewTokens">Most tokens generated per response.</param>
/// <param name="Temperature">Softmax temperature; 0 means greedy.</param>
/// <param name="TopK">Keep only the k most likely tokens (0 = off).</param>
/// <param name="TopP">Keep the smallest set of tokens whose probability reaches p (1 = off).</param>
/// <param name="EosTokenIds">Tokens that end a response; none means always run to <paramref name="MaxNewTokens"/>.</param>
/// <param name="Seed">Seed of the sampling generator; the same seed gives the same responses.</param>
public sealed record SamplingOptions(
    int MaxNewTokens = 64,
    double Temperature = 1.0,
    int TopK = 0,
    double TopP = 1.0,
    IReadOnlyList<int>? EosTokenIds = null,
    ulong Seed = 0)
{
    /// <summary>Greedy decoding of <paramref name="maxNewTokens"/> tokens with no stop token.</summary>
    public static SamplingOptions Greedy(int maxNewTokens) => new(maxNewTokens, Temperature: 0);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (MaxNewTokens < 1)
        {
            throw new ArgumentException($"sampling: maxNewTokens must be >= 1 (got {MaxNewTokens}).");
        }

        if (!double.IsFinite(Temperature) || Temperature < 0)
        {
            throw new ArgumentException($"sampling: temperature must be >= 0 (got {Temperature}).");
        }

        if (TopK < 0)
        {
            throw new ArgumentException($"sampling: topK must be >= 0 (got {TopK}).");
        }

        if (!(TopP > 0 && TopP <= 1))
        {
            throw new ArgumentException($"sampling: topP must be in (0, 1] (got {TopP}).");
        }
    }
}
