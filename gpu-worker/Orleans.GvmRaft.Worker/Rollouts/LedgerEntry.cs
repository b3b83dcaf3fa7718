using System.Text.Json.Serialization;

namespace Orleans.GvmRaft.Worker.Rollouts;

/// <summary>One line of a <see cref="CompletionLedger"/>.</summary>
/// <param name="Event"><c>sent</c>, <c>accepted</c>, <c>duplicate</c>, <c>refused</c> or <c>unanswered</c>.</param>
/// <param name="Worker">The worker that wrote it.</param>
/// <param name="Item">The work item.</param>
/// <param name="Prompt">Its prompt.</param>
/// <param name="Run">Its run.</param>
/// <param name="Iteration">Its iteration.</param>
/// <param name="Stage">Its stage.</param>
/// <param name="Attempts">Responses the worker drew.</param>
/// <param name="Acceptances">Responses its verifier accepted.</param>
public sealed record LedgerEntry(
    [property: JsonPropertyName("event")] string Event,
    [property: JsonPropertyName("worker")] string Worker,
    [property: JsonPropertyName("item")] string Item,
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("run")] string Run,
    [property: JsonPropertyName("iteration")] int Iteration,
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("acceptances")] int Acceptances);
