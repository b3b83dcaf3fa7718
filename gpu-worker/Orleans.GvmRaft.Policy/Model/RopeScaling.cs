namespace Orleans.GvmRaft.Policy.Model;

/// <summary>
/// How rotary frequencies are rescaled for long contexts (Hugging Face <c>rope_scaling</c>, or
/// <c>rope_parameters</c> in newer configs): <c>default</c>, <c>linear</c> or <c>llama3</c>.
/// </summary>
/// <param name="Type">The rope type.</param>
/// <param name="Factor">Scaling factor (linear, llama3).</param>
/// <param name="LowFreqFactor">llama3: below this share of the original context, frequencies are divided by the factor.</param>
/// <param name="HighFreqFactor">llama3: above this, frequencies are kept.</param>
/// <param name="OriginalMaxPositions">llama3: the context length the model was pre-trained with.</param>
public sealed record RopeScaling(string Type, double Factor = 1, double LowFreqFactor = 1, double HighFreqFactor = 4, double OriginalMaxPositions = 8192)
{
    /// <summary>No rescaling.</summary>
    public static RopeScaling None { get; } = new("default");

    /// <summary>The frequencies θ^(−2i/d) after rescaling.</summary>
    public double[] Apply(double[] inverseFrequencies) => Type switch
    {
        "default" => inverseFrequencies,
        "linear" => [.. inverseFrequencies.Select(f => f / Factor)],
        "llama3" => [.. inverseFrequencies.Select(Llama3)],
        _ => throw new ArgumentException($"model config: rope type '{Type}' is not supported (default, linear, llama3)."),
    };

    // Long wavelengths are slowed by the factor, short ones kept, and the band between blended.
    private double Llama3(double frequency)
    {
        double wavelength = 2 * Math.PI / frequency;
        double lowFrequencyWavelength = OriginalMaxPositions / LowFreqFactor;
        double highFrequencyWavelength = OriginalMaxPositions / HighFreqFactor;
        if (wavelength < highFrequencyWavelength)
        {
            return frequency;
        }

        if (wavelength > lowFrequencyWavelength)
        {
            return frequency / Factor;
        }

        double smooth = ((OriginalMaxPositions / wavelength) - LowFreqFactor) / (HighFreqFactor - LowFreqFactor);
        return ((1 - smooth) * frequency / Factor) + (smooth * frequency);
    }
}
