using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Silo.PromptTable;

/// <summary>
/// Reads typed values of one row and turns a NULL where a value belongs, or a value of the wrong
/// type (possible in SQLite, whose columns take any value), into a <see cref="PromptRowException"/>
/// naming the column.
/// </summary>
internal sealed class ColumnReader(object?[] values, string promptId)
{
    public string Text(int i) => NullableText(i) ?? throw Missing(i);

    public string? NullableText(int i) => values[i] switch
    {
        null => null,
        string text => text,
        var other => throw WrongType(i, other),
    };

    public long Int64(int i) => NullableInt64(i) ?? throw Missing(i);

    public long? NullableInt64(int i) => values[i] switch
    {
        null => null,
        long number => number,
        int number => number,
        var other => throw WrongType(i, other),
    };

    public int? NullableInt32(int i) => NullableInt64(i) switch
    {
        null => null,
        long number when number is >= int.MinValue and <= int.MaxValue => (int)number,
        var number => throw new PromptRowException(promptId, PromptRow.Columns[i], $"is {number}, out of range for a 32-bit count"),
    };

    public double Double(int i) => NullableDouble(i) ?? throw Missing(i);

    public double? NullableDouble(int i) => values[i] switch
    {
        null => null,
        double number => number,
        long number => number,
        int number => number,
        var other => throw WrongType(i, other),
    };

    private PromptRowException Missing(int i) => new(promptId, PromptRow.Columns[i], "is NULL");

    private PromptRowException WrongType(int i, object value) =>
        new(promptId, PromptRow.Columns[i], $"holds a {value.GetType().Name} ('{value}') where a {ExpectedType(i)} belongs");

    private static string ExpectedType(int i) => PromptTableSql.SqliteType(PromptRow.Columns[i]).ToString().ToLowerInvariant();
}
