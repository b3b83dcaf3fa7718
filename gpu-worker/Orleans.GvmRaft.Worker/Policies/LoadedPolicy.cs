using Orleans.GvmRaft.Policy.Checkpoints;
using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Runtime;
using Orleans.GvmRaft.Policy.Sampling;
using Orleans.GvmRaft.Policy.Text;
using Orleans.GvmRaft.Runs;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Worker.Policies;

/// <summary>
/// A policy version as the trainer and the rollout workers use it: the model directory's decoder,
/// tokenizer, prompt format and stop tokens, with the run's settings applied. One path for every
/// model, the built-in arithmetic decoder included.
/// </summary>
public sealed class LoadedPolicy : IDisposable
{
    private LoadedPolicy(ModelDirectory directory, PromptFormatter formatter, int[] stopIds, PolicySettings settings, Decoder model)
    {
        Directory = directory;
        Formatter = formatter;
        StopIds = stopIds;
        Settings = settings;
        Model = model;
    }

    /// <summary>The model directory (a stored version's folder).</summary>
    public ModelDirectory Directory { get; }

    /// <summary>How prompts are shown to the model.</summary>
    public PromptFormatter Formatter { get; }

    /// <summary>The ids that end a response.</summary>
    public int[] StopIds { get; }

    /// <summary>The run's policy settings.</summary>
    public PolicySettings Settings { get; }

    /// <summary>The decoder.</summary>
    public Decoder Model { get; }

    /// <summary>The tokenizer.</summary>
    public ITextTokenizer Tokenizer => Directory.Tokenizer;

    /// <summary>How rollouts are drawn.</summary>
    public SamplingOptions Sampling => new(Settings.MaxNewTokens, Settings.Temperature, TopP: Settings.TopP, EosTokenIds: StopIds);

    /// <summary>
    /// Opens <paramref name="folder"/> for <paramref name="settings"/>; the trainer keeps float32
    /// master weights (<paramref name="training"/>), rollout workers use the configured dtype.
    /// </summary>
    /// <exception cref="InvalidDataException">The directory, tokenizer, chat template or a stop token is unusable.</exception>
    public static LoadedPolicy Open(string folder, PolicySettings settings, bool training)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (directory, formatter, stops) = Check(folder, settings);
        var dtype = training || settings.DType == PolicySettings.Float32 ? ScalarType.Float32 : ScalarType.BFloat16;
        var model = directory.Load(TorchDevice.Resolve(settings.Device), dtype);
        return new LoadedPolicy(directory, formatter, stops, settings, model);
    }

    /// <summary>Checks what <see cref="Open"/> needs without loading the weights.</summary>
    public static (ModelDirectory Directory, PromptFormatter Formatter, int[] StopIds) Check(string folder, PolicySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var directory = ModelDirectory.Open(folder);
        var formatter = directory.Formatter(settings.PromptFormat, settings.SystemPrompt);
        return (directory, formatter, directory.StopIds(settings.StopTokens ?? [], formatter));
    }

    /// <summary>The token ids of <paramref name="text"/> as the model reads it.</summary>
    public int[] PromptIds(string text) => Tokenizer.PromptIds(Formatter.Format(text));

    /// <summary>Why a prompt cannot be sampled (too long for the context, or text the tokenizer cannot encode), or null.</summary>
    public static string? Unfit(ModelDirectory directory, PromptFormatter formatter, string promptId, string text, int maxNewTokens)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(formatter);
        int tokens;
        try
        {
            tokens = directory.Tokenizer.PromptIds(formatter.Format(text)).Length;
        }
        catch (ArgumentException e)
        {
            return $"prompt '{promptId}' cannot be tokenized by {Path.Combine(directory.Folder, "tokenizer.json")}: {e.Message}";
        }

        int context = directory.Config.MaxPositions;
        return tokens + maxNewTokens > context
            ? $"prompt '{promptId}' is {tokens} tokens; with policy.maxNewTokens {maxNewTokens} it exceeds max_position_embeddings {context} of {Path.Combine(directory.Folder, "config.json")}"
            : null;
    }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
