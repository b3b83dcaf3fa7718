using System.Text.Json.Nodes;
using Orleans.GvmRaft.Policy.Checkpoints;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Tests.Policy;

/// <summary>Sharded and bfloat16 checkpoints, and configs spelled the ways Hugging Face writes them.</summary>
[Collection(TorchCollection.Name)]
public sealed class CheckpointFormatTests
{
    [Fact]
    public void AShardedCheckpointLoadsLikeTheSingleFile()
    {
        string source = ReferenceFixtures.Folder("qwen2-tiny-noisy");
        var tensors = SafeTensorsFile.Read(Path.Combine(source, "model.safetensors"));
        string folder = NewFolder();
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(folder, "config.json"));
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var map = new JsonObject();
        for (int shard = 0; shard < 2; shard++)
        {
            string file = $"model-0000{shard + 1}-of-00002.safetensors";
            var part = names.Where((_, i) => i % 2 == shard).ToDictionary(n => n, n => tensors[n]);
            SafeTensorsFile.Write(Path.Combine(folder, file), part);
            foreach (string name in part.Keys)
            {
                map[name] = file;
            }
        }

        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"), new JsonObject { ["weight_map"] = map }.ToJsonString());
        var sequence = ReferenceFixtures.Sequences("qwen2-tiny-noisy")[2];
        using var model = HfCheckpoint.Load(folder);
        Assert.True(MaxLogitError(model, sequence) < 1e-4);
    }

    [Fact]
    public void ABfloat16CheckpointLoadsIntoFloat32()
    {
        string source = ReferenceFixtures.Folder("qwen2-tiny");
        var tensors = SafeTensorsFile.Read(Path.Combine(source, "model.safetensors"));
        string folder = NewFolder();
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(folder, "config.json"));
        SafeTensorsFile.Write(Path.Combine(folder, "model.safetensors"), tensors.ToDictionary(t => t.Key, t => t.Value.to_type(ScalarType.BFloat16)));

        // The stored tensors really are bfloat16, and loading widens them exactly.
        Assert.All(SafeTensorsFile.Read(Path.Combine(folder, "model.safetensors")).Values, t => Assert.Equal(ScalarType.BFloat16, t.dtype));
        using var model = HfCheckpoint.Load(folder);
        var loaded = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, original) in tensors)
        {
            var expected = original.to_type(ScalarType.BFloat16).to_type(ScalarType.Float32);
            Assert.True(loaded[name].eq(expected).all().item<bool>(), name);
        }

        // bfloat16 keeps 8 bits of mantissa: the logits move, but only a little.
        Assert.True(MaxLogitError(model, ReferenceFixtures.Sequences("qwen2-tiny")[0]) < 0.05);
    }

    [Fact]
    public void RopeThetaIsReadAtTheTopLevelOrUnderRopeParameters()
    {
        string folder = NewFolder();
        var config = TinyModels.Llama(tied: true) with { RopeTheta = 500000 };
        config.Save(Path.Combine(folder, "config.json"));
        Assert.Equal(500000, Orleans.GvmRaft.Policy.Model.DecoderConfig.Load(Path.Combine(folder, "config.json")).RopeTheta);

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!.AsObject();
        json.Remove("rope_theta");
        json["rope_parameters"] = new JsonObject { ["rope_theta"] = 250000.0, ["rope_type"] = "default" };
        File.WriteAllText(Path.Combine(folder, "config.json"), json.ToJsonString());
        var loaded = Orleans.GvmRaft.Policy.Model.DecoderConfig.Load(Path.Combine(folder, "config.json"));
        Assert.Equal(250000, loaded.RopeTheta);
        Assert.True(loaded.TieWordEmbeddings);
        Assert.False(loaded.AttentionBias);
    }

    [Fact]
    public void ATiedLlamaCheckpointRoundTripsWithoutAnLmHeadTensor()
    {
        using var model = TinyModels.Create(TinyModels.Llama(tied: true));
        string folder = NewFolder();
        HfCheckpoint.Save(model, folder);
        Assert.DoesNotContain("lm_head.weight", SafeTensorsFile.Read(Path.Combine(folder, "model.safetensors")).Keys);
        using var reloaded = HfCheckpoint.Load(folder);
        using var ids = tensor(new long[] { 1, 2, 3, 4 }, [1, 4], ScalarType.Int64);
        using var noGrad = no_grad();
        Assert.True(model.Forward(ids).Logits.eq(reloaded.Forward(ids).Logits).all().item<bool>());
    }

    private static float MaxLogitError(Orleans.GvmRaft.Policy.Model.Decoder model, ReferenceFixtures.Sequence sequence)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = tensor(sequence.InputIds.Select(v => (long)v).ToArray(), [1, sequence.InputIds.Length], ScalarType.Int64);
        return model.Forward(ids).Logits[0, -1].data<float>().Zip(sequence.LastLogits, (a, b) => Math.Abs(a - b)).Max();
    }

    private static string NewFolder() => Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"gvm-ckpt-{Guid.NewGuid():N}")).FullName;
}
