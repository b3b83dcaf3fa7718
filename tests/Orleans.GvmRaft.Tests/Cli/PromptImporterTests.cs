using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Prompts;

namespace Orleans.GvmRaft.Tests.Cli;

[Collection(ClusterCollection.Name)]
public sealed class PromptImporterTests(ClusterFixture fixture)
{
    [Fact]
    public async Task ImportsEverythingAndAReimportChangesNothing()
    {
        var prompts = Prompts(5);
        var progress = new List<(string, int, int)>();
        var importer = new PromptImporter(fixture.Client, batchSize: 2);

        var first = await importer.ImportAsync(prompts, (phase, done, total) => progress.Add((phase, done, total)));
        Assert.Equal(new ImportSummary(5, 0), first);
        Assert.Contains(("importing", 5, 5), progress);

        var again = await importer.ImportAsync(prompts);
        Assert.Equal(new ImportSummary(0, 5), again);
        foreach (var p in prompts)
        {
            Assert.Equal(p, await fixture.Client.GetGrain<IPromptGrain>(p.Id).GetDefinitionAsync());
        }
    }

    [Fact]
    public async Task LongPromptsMakeSmallerBatches()
    {
        // 160 characters per call at most. Each short prompt has 32 (id) + 40 (text) + 1 (answer)
        // + 5 (verifier) = 78, so two fit in a call and a third does not; a prompt over the limit
        // on its own still goes, alone.
        string prefix = Guid.NewGuid().ToString("N")[..29];
        var prompts = Enumerable.Range(0, 3)
            .Select(i => new PromptDefinition($"{prefix}-{i:D2}", new string('x', 39) + i, $"{i}", VerifierKinds.Exact))
            .Append(new PromptDefinition($"{prefix}-LL", new string('y', 500), "1", VerifierKinds.Exact))
            .ToList();
        var calls = new List<int>();
        var importer = new PromptImporter(fixture.Client, batchSize: 1000, batchCharacters: 160);

        var summary = await importer.ImportAsync(prompts, (phase, done, _) =>
        {
            if (phase == "importing")
            {
                calls.Add(done);
            }
        });

        Assert.Equal(new ImportSummary(4, 0), summary);
        Assert.Equal([0, 2, 3, 4], calls);
        foreach (var p in prompts)
        {
            Assert.Equal(p, await fixture.Client.GetGrain<IPromptGrain>(p.Id).GetDefinitionAsync());
        }
    }

    [Fact]
    public async Task AConflictAnywhereImportsNothing()
    {
        var existing = Prompts(1)[0];
        await new PromptImporter(fixture.Client).ImportAsync([existing]);

        // Four new prompts, then one whose id is taken by a different prompt: the check runs first, so none of the four appear.
        var batch = Prompts(4).Append(existing with { Answer = "changed" }).ToList();
        var e = await Assert.ThrowsAsync<PromptConflictException>(() => new PromptImporter(fixture.Client).ImportAsync(batch));
        Assert.Equal(existing.Id, e.PromptId);
        foreach (var p in batch.Take(4))
        {
            Assert.Null(await fixture.Client.GetGrain<IPromptGrain>(p.Id).GetDefinitionAsync());
        }

        Assert.Equal(existing, await fixture.Client.GetGrain<IPromptGrain>(existing.Id).GetDefinitionAsync());
    }

    private static List<PromptDefinition> Prompts(int count)
    {
        string prefix = Guid.NewGuid().ToString("N");
        return [.. Enumerable.Range(0, count).Select(i => new PromptDefinition($"{prefix}-{i}", $"What is {i} + {i}?", $"{2 * i}", VerifierKinds.Exact))];
    }
}
