using System.CommandLine;
using System.Text.Json;
using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Policy.Runtime;
using Orleans.GvmRaft.Policy.Sampling;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Client.Model;

/// <summary><c>gvm model probe</c>: logits, log-likelihood and a greedy continuation of one id sequence.</summary>
public static class ModelCommand
{
    /// <summary>Builds <c>model</c> with its <c>probe</c> subcommand.</summary>
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Hugging Face checkpoint folder (config.json, model.safetensors).", Required = true };
        var ids = new Option<string>("--ids") { Description = "Comma-separated token ids, e.g. 1,2,3.", Required = true };
        var greedy = new Option<int>("--greedy") { Description = "Greedy new tokens to generate (no EOS stop).", DefaultValueFactory = _ => 0 };
        var device = new Option<string>("--device") { Description = "cpu or cuda.", DefaultValueFactory = _ => "cpu" };
        var probe = new Command("probe", "Print {\"lastLogits\", \"logLikelihood\", \"greedy\"} for a sequence of token ids.") { model, ids, greedy, device };
        probe.SetAction(result =>
        {
            var error = result.InvocationConfiguration.Error;
            try
            {
                int[] tokens = ParseIds(result.GetValue(ids)!);
                int count = result.GetValue(greedy);
                if (count < 0)
                {
                    throw new ArgumentException($"--greedy must be >= 0 (got {count}).");
                }

                var target = TorchDevice.Resolve(result.GetValue(device)!);
                using var decoder = HfCheckpoint.Load(result.GetValue(model)!, target);
                if (tokens.Any(t => t >= decoder.Config.VocabSize))
                {
                    throw new ArgumentException($"--ids: every id must be below the vocabulary size {decoder.Config.VocabSize}.");
                }

                float[] lastLogits;
                double logLikelihood = 0;
                using (var scope = NewDisposeScope())
                using (no_grad())
                {
                    var ids = tensor(tokens.Select(t => (long)t).ToArray(), [1, tokens.Length], ScalarType.Int64, target);
                    var logits = decoder.Forward(ids).Logits[0].to_type(ScalarType.Float32).cpu();
                    lastLogits = [.. logits[-1].data<float>()];
                    var logProbs = logits.log_softmax(-1);
                    for (int t = 1; t < tokens.Length; t++)
                    {
                        logLikelihood += logProbs[t - 1, tokens[t]].item<float>();
                    }
                }

                int[] continuation = count == 0 ? [] : new Sampler(decoder).Generate([tokens], SamplingOptions.Greedy(count))[0].Tokens;
                result.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(new { lastLogits, logLikelihood, greedy = continuation }));
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException or InvalidOperationException or IOException)
            {
                error.WriteLine($"gvm model probe: {e.Message}");
                return 2;
            }
        });
        return new Command("model", "Work with policy checkpoints.") { probe };
    }

    private static int[] ParseIds(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var ids = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ids[i]))
            {
                throw new ArgumentException($"--ids: '{parts[i]}' (item {i + 1}) is not a non-negative integer.");
            }
        }

        return ids.Length == 0 ? throw new ArgumentException("--ids: no ids given.") : ids;
    }
}
