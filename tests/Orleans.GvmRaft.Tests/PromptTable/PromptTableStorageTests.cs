using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Tests.Backends;
using Orleans.Storage;

namespace Orleans.GvmRaft.Tests.PromptTable;

/// <summary>
/// The prompt grains' storage on the typed table, on SQLite and PostgreSQL: concurrent writes share
/// transactions, a stale version fails only its own write, a database error fails its whole batch
/// and applies none of it, and a row edited by hand into an impossible state is reported by column.
/// Every outcome is read back with the database's own client.
/// </summary>
[Collection(BackendCollection.Name)]
public sealed class PromptTableStorageTests(PostgresServer postgres)
{
    public static TheoryData<string> Stores => new() { "Sqlite", "PostgreSql" };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ConcurrentWritesShareTransactionsAndEveryOneIsStored(string store)
    {
        await using var db = await TestTable.CreateAsync(postgres, store);
        var storage = db.Storage(TimeSpan.FromMilliseconds(20));
        var states = Enumerable.Range(0, 300).Select(i => TestTable.State($"c-{i:D3}", i)).ToList();

        await Task.WhenAll(states.Select((s, i) => storage.WriteStateAsync("prompt", TestTable.Grain($"c-{i:D3}"), s)));
        long firstRound = storage.WriteBatches;
        Assert.InRange(firstRound, 1, 10);
        Assert.All(states, s => Assert.Equal("1", s.ETag));

        foreach (var (s, i) in states.Select((s, i) => (s, i)))
        {
            s.State!.Statistics = s.State.Statistics with { Attempts = i + 1000, EstimateSamples = i + 1000 };
        }

        await Task.WhenAll(states.Select((s, i) => storage.WriteStateAsync("prompt", TestTable.Grain($"c-{i:D3}"), s)));
        Assert.InRange(storage.WriteBatches - firstRound, 1, 10);

        var rows = await db.QueryAsync("SELECT id, attempts, version FROM gvm_prompts ORDER BY id");
        Assert.Equal(300, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(($"c-{i:D3}", i + 1000L, 2L), ((string)rows[i]["id"]!, Convert.ToInt64(rows[i]["attempts"]), Convert.ToInt64(rows[i]["version"])));
        }
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task AStaleVersionFailsOnlyItsOwnWrite(string store)
    {
        await using var db = await TestTable.CreateAsync(postgres, store);
        var storage = db.Storage(TimeSpan.FromMilliseconds(100));
        var a = TestTable.State("a", 1);
        var b = TestTable.State("b", 1);
        var c = TestTable.State("c", 1);
        await Task.WhenAll(Write(storage, "a", a), Write(storage, "b", b), Write(storage, "c", c));

        // A second activation of b read version 1, then the first one wrote version 2.
        var staleB = TestTable.State("b", 50, etag: "1");
        b.State!.Statistics = b.State.Statistics with { Attempts = 7, EstimateSamples = 7 };
        await Write(storage, "b", b);

        // One batch: a and c move on, the stale b is refused.
        a.State!.Statistics = a.State.Statistics with { Attempts = 2, EstimateSamples = 2 };
        c.State!.Statistics = c.State.Statistics with { Attempts = 3, EstimateSamples = 3 };
        long before = storage.WriteBatches;
        var writes = new[] { Write(storage, "a", a), Write(storage, "b", staleB), Write(storage, "c", c) };
        await Assert.ThrowsAsync<InconsistentStateException>(() => writes[1]);
        await Task.WhenAll(writes[0], writes[2]);
        Assert.Equal(before + 1, storage.WriteBatches);

        var rows = await db.QueryAsync("SELECT id, attempts, version FROM gvm_prompts ORDER BY id");
        Assert.Equal(
            [("a", 2L, 2L), ("b", 7L, 2L), ("c", 3L, 2L)],
            rows.Select(r => ((string)r["id"]!, Convert.ToInt64(r["attempts"]), Convert.ToInt64(r["version"]))));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ADatabaseErrorFailsTheWholeBatchAndAppliesNoneOfIt(string store)
    {
        await using var db = await TestTable.CreateAsync(postgres, store);
        var storage = db.Storage(TimeSpan.FromMilliseconds(100));
        var states = new[] { TestTable.State("x", 1), TestTable.State("y", 1), TestTable.State("z", 1) };
        await Task.WhenAll(states.Select((s, i) => Write(storage, "xyz"[i].ToString(), s)));

        // The database refuses one row of the next batch.
        await db.ExecuteAsync(store == "Sqlite"
            ? "CREATE TRIGGER refuse_large BEFORE UPDATE ON gvm_prompts WHEN NEW.attempts >= 1000 BEGIN SELECT RAISE(ABORT, 'attempts too large for this test'); END;"
            : "ALTER TABLE gvm_prompts ADD CONSTRAINT refuse_large CHECK (attempts < 1000)");
        long[] attempts = [5, 2000, 9];
        for (int i = 0; i < 3; i++)
        {
            states[i].State!.Statistics = states[i].State!.Statistics with { Attempts = attempts[i], EstimateSamples = attempts[i] };
        }

        var writes = states.Select((s, i) => Write(storage, "xyz"[i].ToString(), s)).ToArray();
        foreach (var write in writes)
        {
            var e = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => write);
            Assert.Contains(store == "Sqlite" ? "attempts too large" : "refuse_large", e.Message);
        }

        var rows = await db.QueryAsync("SELECT attempts, version FROM gvm_prompts ORDER BY id");
        Assert.All(rows, r => Assert.Equal((1L, 1L), (Convert.ToInt64(r["attempts"]), Convert.ToInt64(r["version"]))));
        Assert.All(states, s => Assert.Equal("1", s.ETag));

        // Nothing was counted, so a write without the refused row goes through as it is.
        await Task.WhenAll(Write(storage, "x", states[0]), Write(storage, "z", states[2]));
        Assert.Equal([5L, 1L, 9L], (await db.QueryAsync("SELECT attempts FROM gvm_prompts ORDER BY id")).Select(r => Convert.ToInt64(r["attempts"])));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task TwoWritersOfOnePromptTheStaleOneIsRefused(string store)
    {
        await using var db = await TestTable.CreateAsync(postgres, store);

        // Two silos' storages over one table, as after a partition left a stale activation behind.
        var first = db.Storage();
        var second = db.Storage();
        await Write(first, "p", TestTable.State("p", 4));
        var mine = new GrainState<PromptState>(new PromptState());
        var theirs = new GrainState<PromptState>(new PromptState());
        await first.ReadStateAsync("prompt", TestTable.Grain("p"), mine);
        await second.ReadStateAsync("prompt", TestTable.Grain("p"), theirs);
        Assert.Equal((4L, "1"), (theirs.State!.Statistics.Attempts, theirs.ETag));

        mine.State!.Statistics = mine.State.Statistics with { Attempts = 12, EstimateSamples = 12 };
        await first.WriteStateAsync("prompt", TestTable.Grain("p"), mine);
        theirs.State.Statistics = theirs.State.Statistics with { Attempts = 99, EstimateSamples = 99 };
        await Assert.ThrowsAsync<InconsistentStateException>(() => second.WriteStateAsync("prompt", TestTable.Grain("p"), theirs));

        // One that never read (no version) cannot overwrite it either, nor remove it.
        await Assert.ThrowsAsync<InconsistentStateException>(() => second.WriteStateAsync("prompt", TestTable.Grain("p"), TestTable.State("p", 1)));
        await Assert.ThrowsAsync<InconsistentStateException>(() => second.ClearStateAsync("prompt", TestTable.Grain("p"), theirs));

        var row = Assert.Single(await db.QueryAsync("SELECT attempts, version FROM gvm_prompts"));
        Assert.Equal((12L, 2L), (Convert.ToInt64(row["attempts"]), Convert.ToInt64(row["version"])));
    }

    public static TheoryData<string, string, string> BadRows => new()
    {
        { "Sqlite", "UPDATE gvm_prompts SET attempts = -3 WHERE id = @id", "attempts" },
        { "PostgreSql", "UPDATE gvm_prompts SET attempts = -3 WHERE id = @id", "attempts" },
        { "Sqlite", "UPDATE gvm_prompts SET acceptances = attempts + 1 WHERE id = @id", "acceptances" },
        { "PostgreSql", "UPDATE gvm_prompts SET acceptances = attempts + 1 WHERE id = @id", "acceptances" },
        { "Sqlite", "UPDATE gvm_prompts SET history = '[{\"run\": ' WHERE id = @id", "history" },
        { "PostgreSql", "UPDATE gvm_prompts SET history = '{\"run\": \"r\"}' WHERE id = @id", "history" },
        { "Sqlite", "UPDATE gvm_prompts SET grad_mean = 'fast' WHERE id = @id", "grad_mean" },
        { "PostgreSql", "UPDATE gvm_prompts SET est_run_id = 'r', est_iteration = 0, est_policy_version = 0, est_samples = 4, est_accepted = 1 WHERE id = @id", "est_iteration" },
    };

    [Theory]
    [MemberData(nameof(BadRows))]
    public async Task ARowEditedIntoAnImpossibleStateIsReportedByPromptAndColumn(string store, string edit, string column)
    {
        await using var db = await TestTable.CreateAsync(postgres, store);
        var storage = db.Storage();
        await Write(storage, "bad", TestTable.State("bad", 8));
        await Write(storage, "good", TestTable.State("good", 8));
        await db.ExecuteAsync(edit, "bad");

        var e = await Assert.ThrowsAsync<PromptRowException>(() => storage.ReadStateAsync("prompt", TestTable.Grain("bad"), new GrainState<PromptState>(new PromptState())));
        Assert.Equal(("bad", column), (e.PromptId, e.Column));
        Assert.Contains($"prompt 'bad': stored column {column}", e.Message);

        var good = new GrainState<PromptState>(new PromptState());
        await storage.ReadStateAsync("prompt", TestTable.Grain("good"), good);
        Assert.Equal(8, good.State!.Statistics.Attempts);

        // Read in one batch, the bad row fails only its own prompt.
        var both = await db.Table.ReadAsync(["bad", "good", "absent"]);
        Assert.Throws<PromptRowException>(() => both[0].ToState());
        Assert.Equal(8, both[1].ToState()!.Statistics.Attempts);
        Assert.True(both[2].IsMissing);
    }

    private static Task Write(IGrainStorage storage, string id, GrainState<PromptState> state) =>
        storage.WriteStateAsync("prompt", TestTable.Grain(id), state);
}
