using System.Globalization;
using System.Text.Json;
using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Client.Prompts.Export;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.PromptSets;
using Orleans.GvmRaft.Tests.Backends;
using Orleans.GvmRaft.Tests.Cli;
using Parquet;

namespace Orleans.GvmRaft.Tests.PromptTable;

/// <summary>
/// A silo on SQLite and on PostgreSQL with prompts in the typed table: bulk import without a grain
/// per prompt, a repeated or interrupted import converging, conflicts refused by line before
/// anything is written, a bad row reported while every other prompt is served, README's SQL
/// queries, and the export a team opens in pandas.
/// </summary>
[Collection(BackendCollection.Name)]
public sealed class PromptTableSiloTests(PostgresServer postgres, RedisServer redis)
{
    public static TheoryData<string> Stores => new() { "Sqlite", "PostgreSql" };

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task BulkImportStoresRowsWithoutActivatingPromptsAndARepeatConverges(string store)
    {
        var settings = await BackendSettings.CreateAsync(postgres, redis, store);
        await using var silo = await TestSilo.StartAsync(settings);
        await using var db = await OpenAsync(settings);
        var management = silo.Grains.GetGrain<IManagementGrain>(0);
        var prompts = Prompts("bulk", 3000);
        int activationsBefore = await management.GetTotalActivationCount();

        var importer = new PromptImporter(silo.Grains, batchSize: 500);
        Assert.Equal(new ImportSummary(2000, 0), await importer.ImportAsync(prompts[..2000], set: "bulk"));
        Assert.True(await management.GetTotalActivationCount() - activationsBefore < 50, "the import activated a grain per prompt");

        // Killed after the set took the next batch's ids (300 of them) but before their rows were
        // written: run again with another batch size, the import neither loses nor doubles a member.
        var set = silo.Grains.GetGrain<IPromptSetGrain>("bulk");
        await set.AppendAsync([.. prompts[2000..2300].Select(p => p.Id)]);
        Assert.Equal(new ImportSummary(1000, 2000), await new PromptImporter(silo.Grains, batchSize: 700).ImportAsync(prompts, set: "bulk"));
        Assert.Equal(new ImportSummary(0, 3000), await importer.ImportAsync(prompts, set: "bulk"));

        string[] members = await set.GetIdsAsync(0, 10_000);
        Assert.Equal(prompts.Select(p => p.Id), members);
        var rows = await db.QueryAsync("SELECT id, text, sets, version FROM gvm_prompts ORDER BY id");
        Assert.Equal(prompts.Select(p => (p.Id, p.Text, 1L)), rows.Select(r => ((string)r["id"]!, (string)r["text"]!, Convert.ToInt64(r["version"]))));
        Assert.All(rows, r => Assert.Equal<string>(["bulk"], JsonSerializer.Deserialize<string[]>((string)r["sets"]!)!));

        // A grain activated later reads its row like any other and writes the next version.
        var prompt = silo.Grains.GetGrain<IPromptGrain>(prompts[7].Id);
        Assert.Equal(prompts[7], await prompt.GetDefinitionAsync());
        await prompt.RecordRolloutsAsync(new RolloutReport("r-1", "run", 1, 0, RolloutStage.Estimate, 4, 1, [0.5]));
        var row = Assert.Single(await db.QueryAsync($"SELECT attempts, acceptances, version FROM gvm_prompts WHERE id = '{prompts[7].Id}'"));
        Assert.Equal((4L, 1L, 2L), (Convert.ToInt64(row["attempts"]), Convert.ToInt64(row["acceptances"]), Convert.ToInt64(row["version"])));

        // Prompts stored before join a second set through their grain; their statistics stay. A
        // kill after the set took them but before some joined: the repeat converges too.
        var second = silo.Grains.GetGrain<IPromptSetGrain>("second");
        await second.AppendAsync([.. prompts[..10].Select(p => p.Id)]);
        await silo.Grains.GetGrain<IPromptGrain>(prompts[3].Id).JoinSetAsync("second");
        Assert.Equal(new ImportSummary(0, 10), await importer.ImportAsync(prompts[..10], set: "second"));
        Assert.Equal(prompts[..10].Select(p => p.Id), await second.GetIdsAsync(0, 100));
        Assert.Equal(["bulk", "second"], (await prompt.GetSnapshotAsync())!.Sets);
        Assert.Equal(4, (await prompt.GetSnapshotAsync())!.Statistics.Attempts);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ConflictingPromptsAreRefusedByLineBeforeAnythingIsWritten(string store)
    {
        var settings = await BackendSettings.CreateAsync(postgres, redis, store);
        await using var silo = await TestSilo.StartAsync(settings);
        await new PromptImporter(silo.Grains).ImportAsync([new PromptDefinition("taken", "What is 1 + 1?", "2", VerifierKinds.Exact)], set: "c");

        string file = CliRunner.TempFile(
            """{"id": "fresh-1", "problem": "What is 2 + 2?", "answer": "4"}""",
            """{"id": "fresh-2", "problem": "What is 3 + 3?", "answer": "6"}""",
            """{"id": "taken", "problem": "What is 1 + 1?", "answer": "3"}""");
        var result = await CliRunner.RunAsync(
            "import", file, "--set", "c",
            "--gateway-port", silo.GatewayPort.ToString(CultureInfo.InvariantCulture), "--cluster-id", settings["Gvm:Silo:ClusterId"]!);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{file}:3: 1 prompt(s) are already stored with a different text, answer or verifier", result.Error);
        Assert.Contains("give the new ones other ids): line 3 'taken'; nothing was imported.", result.Error);
        Assert.Contains("nothing was imported", result.Error);
        await using var db = await OpenAsync(settings);
        Assert.Equal(["taken"], (await db.QueryAsync("SELECT id FROM gvm_prompts")).Select(r => (string)r["id"]!));
        Assert.Equal(1, await silo.Grains.GetGrain<IPromptSetGrain>("c").GetCountAsync());
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ABadRowIsReportedWhenItsPromptActivatesAndTheOthersAreServed(string store)
    {
        var settings = await BackendSettings.CreateAsync(postgres, redis, store);
        await using var silo = await TestSilo.StartAsync(settings);
        await new PromptImporter(silo.Grains).ImportAsync(
            [new PromptDefinition("edited", "What is 5 + 5?", "10", VerifierKinds.Exact), new PromptDefinition("fine", "What is 6 + 6?", "12", VerifierKinds.Exact)]);
        await using var db = await OpenAsync(settings);
        await db.ExecuteAsync("UPDATE gvm_prompts SET attempts = 3, estimate_samples = 3, acceptances = 5 WHERE id = @id", "edited");

        // Orleans reports a storage read that failed at activation with the row's own error inside.
        var e = await Assert.ThrowsAnyAsync<Exception>(() => silo.Grains.GetGrain<IPromptGrain>("edited").GetSnapshotAsync());
        var row = Assert.IsType<PromptRowException>(e as PromptRowException ?? e.InnerException);
        Assert.Equal(("edited", "acceptances"), (row.PromptId, row.Column));
        Assert.Contains("prompt 'edited': stored column acceptances is 5, more than the 3 attempts", e.Message);
        Assert.Contains(silo.Logs.Lines, l => l.Contains("Prompt edited cannot be activated: column acceptances", StringComparison.Ordinal));

        var fine = silo.Grains.GetGrain<IPromptGrain>("fine");
        Assert.Equal(ReportDisposition.Applied, await fine.RecordRolloutsAsync(new RolloutReport("f", "run", 1, 0, RolloutStage.Estimate, 2, 1, [])));

        // Importing it into a set, which reads its row whole, says which row to mend and writes nothing.
        string file = CliRunner.TempFile("""{"id": "edited", "problem": "What is 5 + 5?", "answer": "10", "verifier": "exact"}""");
        var import = await CliRunner.RunAsync(
            "import", file, "--set", "again", "--gateway-port", silo.GatewayPort.ToString(CultureInfo.InvariantCulture), "--cluster-id", settings["Gvm:Silo:ClusterId"]!);
        Assert.Equal(6, import.ExitCode);
        Assert.Contains("prompt 'edited': stored column acceptances", import.Error);
        Assert.Contains("nothing was imported", import.Error);

        // Mended by hand, the prompt activates on the next call.
        await db.ExecuteAsync("UPDATE gvm_prompts SET acceptances = 1 WHERE id = @id", "edited");
        Assert.Equal(1, (await silo.Grains.GetGrain<IPromptGrain>("edited").GetSnapshotAsync())!.Statistics.Acceptances);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task TheReadmeQueriesAnswerFromTheTable(string store)
    {
        var settings = await BackendSettings.CreateAsync(postgres, redis, store);
        await using var silo = await TestSilo.StartAsync(settings);
        var importer = new PromptImporter(silo.Grains);
        await importer.ImportAsync(Prompts("m", 4), set: "math-train");
        await importer.ImportAsync(Prompts("o", 2), set: "other");

        // (attempts, acceptances) per prompt, recorded as rollouts.
        (string Id, int Attempts, int Accepted)[] counts = [("m-0000", 8, 0), ("m-0001", 8, 2), ("m-0002", 16, 8), ("m-0003", 16, 16), ("o-0000", 4, 1)];
        foreach (var (id, attempts, accepted) in counts)
        {
            await silo.Grains.GetGrain<IPromptGrain>(id).RecordRolloutsAsync(new RolloutReport($"{id}-r", "run", 1, 0, RolloutStage.Sample, attempts, accepted, []));
        }

        await using var db = await OpenAsync(settings);
        var queries = ReadmeQueries(store);
        Assert.Equal(3, queries.Count);

        var hardest = await db.QueryAsync(queries[0]);
        Assert.Equal(["m-0000", "m-0001", "m-0002", "m-0003"], hardest.Select(r => (string)r["id"]!));
        Assert.Equal([0.0, 0.25, 0.5, 1.0], hardest.Select(r => Convert.ToDouble(r["accept_rate"], CultureInfo.InvariantCulture)));

        var never = await db.QueryAsync(queries[1]);
        Assert.Equal(("m-0000", 8L), ((string)Assert.Single(never)["id"]!, Convert.ToInt64(never[0]["attempts"])));

        var bySet = await db.QueryAsync(queries[2]);
        Assert.Equal(
            [("math-train", 4L, 48L, 26L), ("other", 2L, 4L, 1L)],
            bySet.Select(r => ((string)r["prompt_set"]!, Convert.ToInt64(r["prompts"]), Convert.ToInt64(r["attempts"]), Convert.ToInt64(r["acceptances"]))));
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task ExportWritesEveryPromptOfTheSetAsJsonlAndParquet(string store)
    {
        var settings = await BackendSettings.CreateAsync(postgres, redis, store);
        await using var silo = await TestSilo.StartAsync(settings);
        var prompts = Prompts("e", 1200);
        await new PromptImporter(silo.Grains).ImportAsync(prompts, set: "export");
        await silo.Grains.GetGrain<IPromptGrain>("e-0003").RecordRolloutsAsync(new RolloutReport("x", "run", 2, 1, RolloutStage.Estimate, 8, 6, [1.0, 3.0]));

        string jsonl = Path.Combine(Path.GetTempPath(), $"gvm-export-{Guid.NewGuid():N}.jsonl");
        await using (var stream = File.Create(jsonl))
        await using (var writer = new JsonlPromptWriter(stream))
        {
            Assert.Equal(1200, await new PromptExporter(silo.Grains, pageSize: 500).ExportAsync("export", writer, null, CancellationToken.None));
        }

        var lines = File.ReadAllLines(jsonl).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(prompts.Select(p => p.Id), lines.Select(l => l.GetProperty("id").GetString()));
        var x = lines[3];
        Assert.Equal((8, 6, 0.75, 2.0), (x.GetProperty("attempts").GetInt64(), x.GetProperty("acceptances").GetInt64(), x.GetProperty("est_accept_rate").GetDouble(), x.GetProperty("est_grad_norm").GetDouble()));
        Assert.Equal(JsonValueKind.Null, lines[4].GetProperty("accept_rate").ValueKind);

        string parquet = Path.ChangeExtension(jsonl, ".parquet");
        await using (var stream = File.Create(parquet))
        await using (var writer = await ParquetPromptWriter.CreateAsync(stream, CancellationToken.None))
        {
            await new PromptExporter(silo.Grains, pageSize: 500).ExportAsync("export", writer, null, CancellationToken.None);
        }

        // Read back column by column with the Parquet reader: three row groups, the same values.
        await using var file = File.OpenRead(parquet);
        await using var reader = await ParquetReader.CreateAsync(file);
        Assert.Equal(3, reader.RowGroupCount);
        var ids = new List<string?>();
        var attempts = new List<long>();
        var estRates = new List<double?>();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var fields = reader.Schema.DataFields;
            int n = (int)group.RowCount;
            var groupIds = new string?[n];
            var groupAttempts = new long[n];
            var groupRates = new double?[n];
            await group.ReadAsync(fields.Single(f => f.Name == "id"), groupIds.AsMemory(), null, CancellationToken.None);
            await group.ReadAsync<long>(fields.Single(f => f.Name == "attempts"), groupAttempts.AsMemory(), null, CancellationToken.None);
            await group.ReadAsync<double>(fields.Single(f => f.Name == "est_accept_rate"), groupRates.AsMemory(), null, CancellationToken.None);
            ids.AddRange(groupIds);
            attempts.AddRange(groupAttempts);
            estRates.AddRange(groupRates);
        }

        Assert.Equal(prompts.Select(p => p.Id), ids);
        Assert.Equal(8, attempts[3]);
        Assert.Equal(0.75, estRates[3]);
        Assert.Null(estRates[4]);
    }

    // The SQL blocks of README.md's "Querying prompt statistics": one per database, three queries each.
    private static List<string> ReadmeQueries(string store)
    {
        string readme = File.ReadAllText(Path.Combine(Policy.ReferenceFixtures.RepositoryRoot(), "README.md"));
        string marker = store == "Sqlite" ? "```sql\n-- SQLite" : "```sql\n-- PostgreSQL";
        int start = readme.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no block starting {marker}");
        int end = readme.IndexOf("```", start + 6, StringComparison.Ordinal);
        return [.. readme[(start + 6)..end].Split(';').Select(q => q.Trim()).Where(q => q.Split('\n').Any(l => l.Length > 0 && !l.StartsWith("--", StringComparison.Ordinal)))];
    }

    private static PromptDefinition[] Prompts(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new PromptDefinition($"{prefix}-{i:D4}", $"What is {i} + {prefix.Length}?", $"{i + prefix.Length}", VerifierKinds.Exact))];

    private static async Task<TestTable> OpenAsync(Dictionary<string, string?> settings) =>
        await TestTable.OpenAsync(settings["Gvm:Silo:Storage"]!, settings[settings["Gvm:Silo:Storage"] == "Sqlite" ? "ConnectionStrings:Sqlite" : "ConnectionStrings:PostgreSql"]!);
}
