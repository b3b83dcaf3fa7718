using Orleans.GvmRaft.Policy.Model;
using Orleans.GvmRaft.Policy.Sampling;
using Orleans.GvmRaft.Policy.Text;

namespace Orleans.GvmRaft.Policy.Training;

/// <summary>
/// Supervised fine-tuning on worked examples (prompt → answer, stop), so that a fresh model starts
/// reinforcement learning able to solve some prompts: with every acceptance rate at 0 there is no
/// signal to allocate by.
/// </summary>
public static class SupervisedWarmup
{
    /// <summary>Trains <paramref name="steps"/> steps on random mini-batches of <paramref name="examples"/>; returns the last step's token-mean NLL.</summary>
    public static double Run(
        Decoder model,
        ITextTokenizer tokenizer,
        IReadOnlyList<(string Prompt, string Answer)> examples,
        int steps,
        int batchSize,
        TrainingOptions options,
        int seed,
        Action<int, int, double>? progress = null)
    {
        var random = new Random(seed);
        var sequences = examples.Select(e => Sequence(tokenizer, e.Prompt, e.Answer)).ToArray();
        using var trainer = new PolicyTrainer(model, options);
        double loss = double.NaN;
        for (int step = 0; step < steps; step++)
        {
            var batch = Enumerable.Range(0, batchSize).Select(_ => sequences[random.Next(sequences.Length)]).ToList();
            loss = trainer.RaftStep(batch).Nll;
            progress?.Invoke(step + 1, steps, loss);
        }

        return loss;
    }

    /// <summary>The training sequence of one example: the prompt as the sampler sees it, then the answer and the stop token.</summary>
    public static ScoredSequence Sequence(ITextTokenizer tokenizer, string prompt, string answer) =>
        new(tokenizer.PromptIds(prompt), tokenizer.AnswerIds(answer));
}
