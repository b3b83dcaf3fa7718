using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Silo.PromptTable;
using Orleans.GvmRaft.Tests.Backends;

namespace Orleans.GvmRaft.Tests.PromptTable;

/// <summary>
/// <see cref="IPromptTable.InsertNewAsync"/>, the import's write, on SQLite and PostgreSQL: a new
/// row is stored exactly as <see cref="PromptRow.New"/> says, column by column (SQLite leaves its
/// statistics to the column defaults), a row with statistics keeps them, and an id stored before
/// is left alone and reported as not inserted.
/// </summary>
[Collection(BackendCollection.Name)]
public sealed class InsertNewTests(PostgresServer postgres)
{
    public static TheoryData<string> Stores => new() { "Sqlite", "PostgreSql" };

    [Fact]
    public void ANewRowIsNewAndARowWithStatisticsIsNot()
    {
        var definition = new PromptDefinition("n", "What is 2 + 2?", "4", VerifierKinds.Exact);
        Assert.True(PromptRow.New(definition, "s").IsNew);
        Assert.True(PromptRow.New(definition, null).IsNew);
        Assert.False((PromptRow.New(definition, "s") with { Attempts = 1 }).IsNew);
        Assert.False((PromptRow.New(definition, "s") with { Version = 2 }).IsNew);
        Assert.False((PromptRow.New(definition, "s") with { History = "[{}]" }).IsNew);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task NewRowsAreStoredAsNewSaysAndStoredIdsAreLeftAlone(string store)
    {
        await using var db = await TestTable.CreateAsync(postgres, store);
        var taken = PromptRow.New(new PromptDefinition("taken", "What is 1 + 1?", "2", VerifierKinds.Exact), "first");
        Assert.Equal(new[] { true }, await db.Table.InsertNewAsync([taken]));

        var fresh = PromptRow.New(new PromptDefinition("fresh", "What is 3 + 4?", "7", VerifierKinds.Math), "bulk");
        var loose = PromptRow.New(new PromptDefinition("loose", "What is 5 + 5?", "10", VerifierKinds.Exact), null);
        var counted = PromptRow.FromState("counted", TestTable.State("counted", 9).State!, version: 1);
        Assert.False(counted.IsNew);
        var again = taken with { Text = "What is 9 + 9?", Sets = "[\"second\"]" };

        Assert.Equal(new[] { true, true, true, false }, await db.Table.InsertNewAsync([fresh, loose, counted, again]));

        var stored = (await db.Table.ReadAsync(["fresh", "loose", "counted", "taken"])).Select(r => r.RowOrThrow()!).ToArray();
        Assert.Equal(new[] { fresh, loose, counted, taken }, stored);
        Assert.Equal((9L, 4L, 9L), (stored[2]!.Attempts, stored[2]!.Acceptances, stored[2]!.EstimateSamples));
    }
}
