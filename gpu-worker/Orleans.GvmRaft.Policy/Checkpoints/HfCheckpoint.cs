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

    /// <summary>Saves <paramref name="model"/> as <c>config.json</c> and a single <c>model.safetensors</c>.</summary>
    public static void Save(Decoder model, string folder)
    {
        Directory.CreateDirectory(folder);
        model.Config.Save(Path.Combine(folder, "config.json"));
        var tensors = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        SafeTensorsFile.Write(Path.Combine(folder, "model.safetensors"), tensors);
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

            parameter.copy_(source.to(parameter.dtype));
        }
    }
}
