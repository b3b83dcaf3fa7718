using System.Collections.Concurrent;
using Orleans.GvmRaft.Silo.PromptTable;

namespace Orleans.GvmRaft.Tests.PromptTable;

/// <summary>The batching of <see cref="GroupCommit{TRequest, TResult}"/>, against a flush that records each batch it is given.</summary>
public sealed class GroupCommitTests
{
    private readonly ConcurrentQueue<string[]> _batches = new();

    [Fact]
    public async Task ConcurrentRequestsShareOneFlushAndEachGetsItsOwnResult()
    {
        await using var commit = Commit(maxBatch: 1000, delay: TimeSpan.FromMilliseconds(50));
        string[] keys = [.. Enumerable.Range(0, 100).Select(i => $"k{i}")];
        var results = await Task.WhenAll(keys.Select(commit.SubmitAsync));
        Assert.Equal(keys.Select(k => k.ToUpperInvariant()), results);
        Assert.Equal(keys.Order(StringComparer.Ordinal), Assert.Single(_batches).Order(StringComparer.Ordinal));
        Assert.Equal(1, commit.Batches);
    }

    [Fact]
    public async Task ABatchNeverExceedsItsSizeNorHoldsOneKeyTwice()
    {
        await using var commit = Commit(maxBatch: 100, delay: TimeSpan.FromMilliseconds(20));
        string[] keys = [.. Enumerable.Range(0, 250).Select(i => $"k{i % 120}")];
        await Task.WhenAll(keys.Select(commit.SubmitAsync));
        Assert.All(_batches, b => Assert.InRange(b.Length, 1, 100));
        Assert.All(_batches, b => Assert.Equal(b.Length, b.Distinct().Count()));
        Assert.Equal(keys.Order(StringComparer.Ordinal), _batches.SelectMany(b => b).Order(StringComparer.Ordinal));
        Assert.True(_batches.Count >= 3, $"{_batches.Count} batches for 250 requests of at most 100 with keys repeated");
    }

    [Fact]
    public async Task AFailedFlushFailsEveryRequestOfItsBatchAndNoOther()
    {
        await using var commit = Commit(maxBatch: 1000, delay: TimeSpan.FromMilliseconds(50));
        var first = new[] { "a", "bad", "c" }.Select(commit.SubmitAsync).ToArray();
        foreach (var request in first)
        {
            var e = await Assert.ThrowsAsync<InvalidDataException>(() => request);
            Assert.Equal("refused: bad", e.Message);
        }

        Assert.Equal("D", await commit.SubmitAsync("d"));
    }

    [Fact]
    public async Task AFullBatchGoesWithoutWaitingForTheDelay()
    {
        await using var commit = Commit(maxBatch: 5, delay: TimeSpan.FromSeconds(30));
        var all = Task.WhenAll(Enumerable.Range(0, 5).Select(i => commit.SubmitAsync($"k{i}")));
        Assert.Same(all, await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(10))));
    }

    [Fact]
    public async Task DisposingFlushesWhatIsQueuedAndRefusesWhatComesLater()
    {
        var commit = Commit(maxBatch: 1000, delay: TimeSpan.FromMilliseconds(200));
        var queued = Enumerable.Range(0, 10).Select(i => commit.SubmitAsync($"k{i}")).ToArray();
        await commit.DisposeAsync();
        Assert.All(queued, q => Assert.True(q.IsCompletedSuccessfully));
        await Assert.ThrowsAsync<OperationCanceledException>(() => commit.SubmitAsync("late"));
    }

    private GroupCommit<string, string> Commit(int maxBatch, TimeSpan delay) => new(
        batch =>
        {
            _batches.Enqueue([.. batch]);
            return batch.Contains("bad")
                ? Task.FromException<string[]>(new InvalidDataException("refused: bad"))
                : Task.FromResult(batch.Select(k => k.ToUpperInvariant()).ToArray());
        },
        key: k => k,
        maxBatch,
        delay,
        maxConcurrentFlushes: 2);
}
