using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Sampling;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Tests.Policy;

/// <summary>The decoder against Hugging Face transformers' outputs on the reference checkpoints.</summary>
[Collection(TorchCollection.Name)]
public sealed class DecoderParityTests
{
    [Theory]
    [MemberData(nameof(ReferenceFixtures.Names), MemberType = typeof(ReferenceFixtures))]
    public void LastLogitsMatchTheReferenceWithin1e4(string fixture)
    {
        using var model = HfCheckpoint.Load(ReferenceFixtures.Folder(fixture));
        foreach (var sequence in ReferenceFixtures.Sequences(fixture))
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var output = model.Forward(Ids(sequence.InputIds));
            float[] last = [.. output.Logits[0, -1].data<float>()];
            Assert.Equal(sequence.LastLogits.Length, last.Length);
            float worst = last.Zip(sequence.LastLogits, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst < 1e-4, $"{fixture}, length {sequence.InputIds.Length}: max |Δlogit| = {worst}");
        }
    }

    [Fact]
    public void AModelConvertedToAnotherDtypeStillMatchesTheReference()
    {
        // The conversion replaces every parameter, as a move to CUDA does; the noisy fixture's norm
        // weights are not 1, so a norm left holding its original weight shows.
        const string fixture = "qwen2-tiny-noisy";
        var sequence = ReferenceFixtures.Sequences(fixture)[2];
        foreach (var (dtype, tolerance) in new[] { (ScalarType.Float64, 1e-4), (ScalarType.BFloat16, 0.15) })
        {
            using var model = HfCheckpoint.Load(ReferenceFixtures.Folder(fixture), CPU, dtype);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var output = model.Forward(Ids(sequence.InputIds));
            double[] last = [.. output.Logits[0, -1].to_type(ScalarType.Float64).data<double>()];
            double worst = last.Zip(sequence.LastLogits, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst < tolerance, $"{dtype}: max |Δlogit| = {worst}");
        }
    }

    [Theory]
    [MemberData(nameof(ReferenceFixtures.Names), MemberType = typeof(ReferenceFixtures))]
    public void TeacherForcedLogLikelihoodMatchesWithin1e3(string fixture)
    {
        using var model = HfCheckpoint.Load(ReferenceFixtures.Folder(fixture));
        foreach (var sequence in ReferenceFixtures.Sequences(fixture))
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var logProbs = model.Forward(Ids(sequence.InputIds)).Logits[0].log_softmax(-1);
            double sum = 0;
            for (int t = 1; t < sequence.InputIds.Length; t++)
            {
                sum += logProbs[t - 1, sequence.InputIds[t]].item<float>();
            }

            Assert.True(Math.Abs(sum - sequence.SumLogprobTeacherForced) < 1e-3, $"{fixture}: {sum} vs {sequence.SumLogprobTeacherForced}");
        }
    }

    [Theory]
    [MemberData(nameof(ReferenceFixtures.Names), MemberType = typeof(ReferenceFixtures))]
    public void GreedyDecodingWithTheCacheMatchesTheReferenceAndARecompute(string fixture)
    {
        using var model = HfCheckpoint.Load(ReferenceFixtures.Folder(fixture));
        var sequences = ReferenceFixtures.Sequences(fixture);
        var cached = new Sampler(model).Generate([.. sequences.Select(s => s.InputIds)], SamplingOptions.Greedy(16));
        for (int i = 0; i < sequences.Count; i++)
        {
            Assert.Equal(sequences[i].Greedy16, cached[i].Tokens);
            Assert.Equal(sequences[i].Greedy16NocacheRecompute, GreedyByRecompute(model, sequences[i].InputIds, 16));
        }
    }

    [Fact]
    public void LeftPaddedBatchesGiveEachRowItsOwnLogits()
    {
        const string fixture = "qwen2-tiny-noisy";
        using var model = HfCheckpoint.Load(ReferenceFixtures.Folder(fixture));
        var sequences = ReferenceFixtures.Sequences(fixture);
        int length = sequences.Max(s => s.InputIds.Length);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = zeros([sequences.Count, length], ScalarType.Int64);
        var mask = zeros([sequences.Count, length], ScalarType.Int64);
        for (int i = 0; i < sequences.Count; i++)
        {
            int pad = length - sequences[i].InputIds.Length;
            ids[i].narrow(0, pad, sequences[i].InputIds.Length).copy_(tensor(sequences[i].InputIds.Select(v => (long)v).ToArray()));
            mask[i].narrow(0, pad, sequences[i].InputIds.Length).fill_(1);
        }

        var logits = model.Forward(ids, mask).Logits;
        for (int i = 0; i < sequences.Count; i++)
        {
            float worst = logits[i, -1].data<float>().Zip(sequences[i].LastLogits, (a, b) => Math.Abs(a - b)).Max();
            Assert.True(worst < 1e-4, $"row {i}: max |Δlogit| = {worst}");
        }
    }

    [Fact]
    public void SavingAndLoadingKeepsEveryParameter()
    {
        using var model = HfCheckpoint.Load(ReferenceFixtures.Folder("qwen2-tiny-noisy"));
        string folder = Path.Combine(Path.GetTempPath(), $"gvm-ckpt-{Guid.NewGuid():N}");
        HfCheckpoint.Save(model, folder);
        using var reloaded = HfCheckpoint.Load(folder);
        var original = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in reloaded.named_parameters())
        {
            Assert.True(parameter.eq(original[name]).all().item<bool>(), $"{name} changed in the round trip");
        }

        Assert.Equal(original.Count, reloaded.named_parameters().Count());
    }

    [Fact]
    public void AMissingOrMisshapenTensorIsNamed()
    {
        using var model = HfCheckpoint.Load(ReferenceFixtures.Folder("qwen2-tiny"));
        var tensors = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);

        string missing = Path.Combine(Path.GetTempPath(), $"gvm-ckpt-{Guid.NewGuid():N}");
        HfCheckpoint.Save(model, missing);
        SafeTensorsFile.Write(Path.Combine(missing, "model.safetensors"),
            tensors.Where(t => t.Key != "model.layers.1.self_attn.k_proj.bias").ToDictionary());
        var e = Assert.Throws<InvalidDataException>(() => HfCheckpoint.Load(missing));
        Assert.Contains("'model.layers.1.self_attn.k_proj.bias' is missing", e.Message);

        string misshapen = Path.Combine(Path.GetTempPath(), $"gvm-ckpt-{Guid.NewGuid():N}");
        HfCheckpoint.Save(model, misshapen);
        var wrong = new Dictionary<string, Tensor>(tensors) { ["model.norm.weight"] = ones(63) };
        SafeTensorsFile.Write(Path.Combine(misshapen, "model.safetensors"), wrong);
        var shape = Assert.Throws<InvalidDataException>(() => HfCheckpoint.Load(misshapen));
        Assert.Contains("'model.norm.weight' has shape [63], expected [64]", shape.Message);
    }

    // The second implementation: no cache, the whole sequence recomputed for every new token.
    private static int[] GreedyByRecompute(Decoder model, int[] prompt, int count)
    {
        var sequence = prompt.ToList();
        using var noGrad = no_grad();
        for (int i = 0; i < count; i++)
        {
            using var scope = NewDisposeScope();
            sequence.Add((int)model.Forward(Ids([.. sequence])).Logits[0, -1].argmax().item<long>());
        }

        return [.. sequence.Skip(prompt.Length)];
    }

    private static Tensor Ids(int[] ids) => tensor(ids.Select(v => (long)v).ToArray(), [1, ids.Length], ScalarType.Int64);
}
