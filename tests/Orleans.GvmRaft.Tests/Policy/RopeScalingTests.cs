using Orleans.GvmRaft.Policy.Model;

namespace Orleans.GvmRaft.Tests.Policy;

public sealed class RopeScalingTests
{
    [Fact]
    public void Llama3KeepsShortWavelengthsSlowsLongOnesAndBlendsBetween()
    {
        // factor 8, low 1, high 4, original context 8192: wavelengths below 2048 are kept, above 8192
        // divided by 8; at 4096 the blend weight is (8192/4096 − 1) / 3 = 1/3, giving f · (2/3 / 8 + 1/3) = f · 5/12.
        var scaling = new RopeScaling("llama3", Factor: 8, LowFreqFactor: 1, HighFreqFactor: 4, OriginalMaxPositions: 8192);
        double shortWave = 1.0, longWave = 2 * Math.PI / 10000, medium = 2 * Math.PI / 4096;
        double[] scaled = scaling.Apply([shortWave, longWave, medium]);
        Assert.Equal(shortWave, scaled[0], 12);
        Assert.Equal(longWave / 8, scaled[1], 12);
        Assert.Equal(medium * 5 / 12, scaled[2], 12);
        Assert.Equal([0.25], new RopeScaling("linear", Factor: 4).Apply([1.0]));
    }

    [Fact]
    public void ConfigsNameTheirRopeTypeAndUnsupportedOnesAreRefused()
    {
        string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"gvm-config-{Guid.NewGuid():N}")).FullName;
        string path = Path.Combine(folder, "config.json");
        File.WriteAllText(path, """
        {"model_type": "llama", "vocab_size": 64, "hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 1,
         "num_attention_heads": 4, "num_key_value_heads": 1, "rope_theta": 500000.0, "tie_word_embeddings": true,
         "rope_scaling": {"rope_type": "llama3", "factor": 32.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}}
        """);
        var config = DecoderConfig.Load(path);
        Assert.Equal("llama3", config.RopeScaling.Type);
        Assert.Equal(32, config.RopeScaling.Factor);
        Assert.Equal(8, config.HeadDim);

        File.WriteAllText(path, File.ReadAllText(path).Replace("\"llama3\"", "\"yarn\"", StringComparison.Ordinal));
        Assert.Contains("rope type 'yarn'", Assert.Throws<ArgumentException>(() => DecoderConfig.Load(path)).Message);
    }
}
