namespace Orleans.GvmRaft.Prompts;

/// <summary>What a prompt is: its stable id, the problem text, the reference answer and the verifier.</summary>
[GenerateSerializer, Immutable]
public sealed record PromptDefinition(
    [property: Id(0)] string Id,
    [property: Id(1)] string Text,
    [property: Id(2)] string Answer,
    [property: Id(3)] string Verifier)
{
    /// <summary>Longest prompt id accepted; ids are grain keys and appear in every log line.</summary>
    public const int MaxIdLength = 256;

    /// <summary>Throws <see cref="ArgumentException"/> describing the first field that is invalid.</summary>
    public void Validate()
    {
        ValidateId(Id);
        if (string.IsNullOrWhiteSpace(Text))
        {
            throw new ArgumentException($"prompt '{Id}': the problem text is empty.");
        }

        if (string.IsNullOrWhiteSpace(Answer))
        {
            throw new ArgumentException($"prompt '{Id}': the answer is empty.");
        }

        if (!VerifierKinds.IsKnown(Verifier))
        {
            throw new ArgumentException(
                $"prompt '{Id}': unknown verifier '{Verifier}' (expected one of {string.Join(", ", VerifierKinds.All)}).");
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="id"/> is usable as a prompt id.</summary>
    public static void ValidateId(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException("a prompt id must not be empty.");
        }

        if (id.Length > MaxIdLength)
        {
            throw new ArgumentException($"prompt id '{id[..32]}…' is longer than {MaxIdLength} characters.");
        }

        if (id.Any(char.IsControl))
        {
            throw new ArgumentException($"prompt id '{id}' contains a control character.");
        }
    }
}
