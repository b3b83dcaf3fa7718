using Orleans.GvmRaft.Policy.Checkpoints;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Tests.Policy;

/// <summary>How a policy version travels from the trainer to the rollout workers.</summary>
[Collection(TorchCollection.Name)]
public sealed class ParameterBytesTests
{
    [Fact]
    public void ImportedWeightsReproduceTheSourceModelsLogits()
    {
        var config = TinyModels.Llama(tied: false);
        using var source = TinyModels.Create(config, seed: 1);
        using var target = TinyModels.Create(config, seed: 2);
        using var ids = tensor(new long[] { 1, 5, 9, 3, 7 }).unsqueeze(0);
        using var before = target.Forward(ids).Logits.detach().clone();
        using var expected = source.Forward(ids).Logits.detach().clone();
        Assert.False(allclose(before, expected));

        byte[] bytes = ParameterBytes.Export(source);
        Assert.Equal(source.parameters().Sum(p => p.numel()) * sizeof(float), bytes.Length);
        ParameterBytes.Import(target, bytes);
        using var after = target.Forward(ids).Logits.detach();
        Assert.True(allclose(expected, after, rtol: 0, atol: 0));
    }

    [Fact]
    public void WeightsOfAnotherShapeAreRefused()
    {
        using var small = TinyModels.Create(TinyModels.Llama(tied: true));
        using var large = TinyModels.Create(TinyModels.Llama(tied: false));
        var e = Assert.Throws<InvalidDataException>(() => ParameterBytes.Import(small, ParameterBytes.Export(large)));
        Assert.Contains("bytes", e.Message);
    }
}
