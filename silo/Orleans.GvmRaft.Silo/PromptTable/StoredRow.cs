using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Silo.PromptTable;

/// <summary>
/// What reading one prompt's row found: nothing, the row, or why the row cannot be a prompt's
/// state. Kept per row, so one bad row read in a batch fails only its own prompt.
/// </summary>
/// <param name="Row">The row, when there is one and its values have the right types.</param>
/// <param name="Problem">Why the stored row is unusable, naming the prompt and column.</param>
public readonly record struct StoredRow(PromptRow? Row, PromptRowException? Problem)
{
    /// <summary>True when no row is stored for the prompt.</summary>
    public bool IsMissing => Row is null && Problem is null;

    /// <summary>The row read from <paramref name="values"/> (in <see cref="PromptRow.Columns"/> order), or its problem.</summary>
    public static StoredRow Of(object?[] values)
    {
        try
        {
            return new StoredRow(PromptRow.FromValues(values), null);
        }
        catch (PromptRowException e)
        {
            return new StoredRow(null, e);
        }
    }

    /// <summary>The row; throws its problem when it has one.</summary>
    public PromptRow? RowOrThrow() => Problem is null ? Row : throw Problem;

    /// <summary>The prompt state of the row, validated; throws <see cref="PromptRowException"/> for a bad row.</summary>
    public PromptState? ToState() => RowOrThrow()?.ToState();
}
