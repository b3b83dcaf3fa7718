using System.Text.Json.Nodes;
using Orleans.GvmRaft.Policy.Model;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Checkpoints;

/// <summary>
/// A Hugging Face checkpoint folder: <c>config.json</c> and <c>model.safetensors</c>, or shards
/// listed by <c>model.safetensors.index.json</c>.
/// </summary>
public static class HfCheckpoint
{
    /// <summary>Loads the model in <paramref name="folder"/> onto <paramref name="device"/> as <paramref name="dtype"/>.</summary>
    /// <exception cref="InvalidDataException">A tensor is missing, misshapen or unknown; the message names it.</exception>
    public static Decoder Load(string folder, Device? device = null, ScalarType dtype = ScalarType.Float32)
    {
        string configPath = Path.Combine(folder, "config.json");
        if (!File.Exists(configPath))
        {
            throw new FileNotFoundException($"{folder}: no config.json.", configPath);
        }

        var config = DecoderConfig.Load(configPath);
        var tensors = ReadTensors(folder);
        try
        {
            var model = new Decoder(config, device, dtype);
            CopyInto(model, tensors, folder);
            return model;
        }
        finally
        {
            foreach (var t in tensors.Values)
            {
                t.Dispose();
            }
        }
    }

    /// <summary>
    /// Saves <paramref name="model"/> as <c>config.json</c> and <c>model.safetensors</c>, or, when the
    /// weights exceed <paramref name="maxShardBytes"/>, as shards
    /// <c>model-00001-of-0000N.safetensors</c> listed by <c>model.safetensors.index.json</c>, the way
    /// Hugging Face shards them. Tensors are never split across shards.
    /// </summary>
    public static void Save(Decoder model, string folder, long maxShardBytes = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxShardBytes, 1);
        Directory.CreateDirectory(folder);
        model.Config.Save(Path.Combine(folder, "config.json"));
        var tensors = model.named_parameters().Select(p => (p.name, Tensor: (Tensor)p.parameter)).OrderBy(p => p.name, StringComparer.Ordinal).ToList();
        long total = tensors.Sum(t => t.Tensor.numel() * t.Tensor.ElementSize);

        // Weights of an earlier save in the other layout would shadow these (the single file is read first).
        foreach (string stale in Directory.GetFiles(folder, "model*.safetensors*"))
        {
            File.Delete(stale);
        }

        if (total <= maxShardBytes)
        {
            SafeTensorsFile.Write(Path.Combine(folder, "model.safetensors"), tensors.ToDictionary(t => t.name, t => t.Tensor));
            return;
        }

        var shards = new List<List<(string Name, Tensor Tensor)>> { new() };
        long size = 0;
        foreach (var t in tensors)
        {
            long bytes = t.Tensor.numel() * t.Tensor.ElementSize;
            if (size > 0 && size + bytes > maxShardBytes)
            {
                shards.Add([]);
                size = 0;
            }

            shards[^1].Add(t);
            size += bytes;
        }

        var weightMap = new JsonObject();
        for (int i = 0; i < shards.Count; i++)
        {
            string name = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            SafeTensorsFile.Write(Path.Combine(folder, name), shards[i].ToDictionary(t => t.Name, t => t.Tensor));
            foreach (var t in shards[i])
            {
                weightMap[t.Name] = name;
            }
        }

        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = total }, ["weight_map"] = weightMap };
        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"), index.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    private static Dictionary<string, Tensor> ReadTensors(string folder)
    {
        string single = Path.Combine(folder, "model.safetensors");
        if (File.Exists(single))
        {
            return SafeTensorsFile.Read(single);
        }

        string index = Path.Combine(folder, "model.safetensors.index.json");
        if (!File.Exists(index))
        {
            throw new FileNotFoundException($"{folder}: neither model.safetensors nor model.safetensors.index.json.", single);
        }

        var weightMap = JsonNode.Parse(File.ReadAllText(index))?["weight_map"]?.AsObject()
            ?? throw new InvalidDataException($"{index}: no \"weight_map\".");
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (string shard in weightMap.Select(kv => kv.Value!.GetValue<string>()).Distinct())
        {
            foreach (var (name, tensor) in SafeTensorsFile.Read(Path.Combine(folder, shard)))
            {
                tensors[name] = tensor;
            }
        }

        return tensors;
    }

    private static void CopyInto(Decoder model, Dictionary<string, Tensor> tensors, string folder)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (string name in tensors.Keys)
        {
            bool ignorable = name.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal)
                || (name == "lm_head.weight" && model.Config.TieWordEmbeddings);
            if (!parameters.ContainsKey(name) && !ignorable)
            {
                throw new InvalidDataException($"{folder}: tensor '{name}' is not a parameter of this {model.Config.ModelType} model.");
            }
        }

        using var noGrad = no_grad();
        foreach (var (name, parameter) in parameters)
        {
            if (!tensors.TryGetValue(name, out var source))
            {
                throw new InvalidDataException($"{folder}: tensor '{name}' is missing.");
            }

            if (!source.shape.SequenceEqual(parameter.shape))
            {
                throw new InvalidDataException(
                    $"{folder}: tensor '{name}' has shape [{string.Join(", ", source.shape)}], expected [{string.Join(", ", parameter.shape)}].");
            }

            // Held in a variable until the copy returns: TorchSharp passes only the handle, so a
            // temporary argument's wrapper can be finalized (its native tensor freed) while the
            // native copy still reads it. That race crashed a worker's load (docs/benchmarks.md).
            using var converted = source.to(parameter.dtype);
            parameter.copy_(converted);
        }
    }
}
