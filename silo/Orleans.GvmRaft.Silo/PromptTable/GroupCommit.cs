using System.Collections.Concurrent;

namespace Orleans.GvmRaft.Silo.PromptTable;

/// <summary>
/// Coalesces requests from many callers into batches, each handled by one call of the flush (one
/// transaction). A batch is sent when it is full, or <c>delay</c> after its first request (within a
/// millisecond or so: the wait is in steps of a millisecond); while
/// every flush slot is busy, requests keep gathering, so batches grow with the load. Each caller's
/// task completes only when its batch's flush returned: with its own result, or with the flush's
/// error, which every request of that batch shares (nothing of a failed flush is applied).
/// </summary>
/// <typeparam name="TRequest">One caller's request.</typeparam>
/// <typeparam name="TResult">Its result.</typeparam>
public sealed class GroupCommit<TRequest, TResult> : IAsyncDisposable
{
    // Lock-free queue plus a wake-up signal: callers never contend on a lock to submit.
    private readonly ConcurrentQueue<Pending> _queue = new();
    private readonly SemaphoreSlim _signal = new(0);
    private int _signaled;
    private volatile bool _closing;
    private readonly Func<IReadOnlyList<TRequest>, Task<TResult[]>> _flush;
    private readonly Func<TRequest, string>? _key;
    private readonly int _maxBatch;
    private readonly TimeSpan _delay;
    private readonly SemaphoreSlim _slots;
    private readonly int _maxConcurrentFlushes;
    private readonly List<Pending> _carried = [];
    private readonly Task _loop;
    private long _batches;

    /// <param name="flush">Handles one batch, returning one result per request in order; throws to fail them all.</param>
    /// <param name="key">When given, a batch holds at most one request per key (a second waits for the next batch), so a flush never sees two writes of one row.</param>
    /// <param name="maxBatch">Most requests per batch.</param>
    /// <param name="delay">How long a batch waits for company after its first request.</param>
    /// <param name="maxConcurrentFlushes">Batches in flight at once.</param>
    public GroupCommit(Func<IReadOnlyList<TRequest>, Task<TResult[]>> flush, Func<TRequest, string>? key, int maxBatch, TimeSpan delay, int maxConcurrentFlushes)
    {
        ArgumentNullException.ThrowIfNull(flush);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentFlushes, 1);
        _flush = flush;
        _key = key;
        _maxBatch = maxBatch;
        _delay = delay;
        _maxConcurrentFlushes = maxConcurrentFlushes;
        _slots = new SemaphoreSlim(maxConcurrentFlushes, maxConcurrentFlushes);
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Batches flushed so far (what the tests read to see writes coalesce).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Queues <paramref name="request"/>; completes when its batch was flushed.</summary>
    public Task<TResult> SubmitAsync(TRequest request)
    {
        var pending = new Pending(request, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Enqueue(pending);
        Wake();

        // A request that raced the shutdown and found the loop gone is failed here, not left waiting.
        if (_loop.IsCompleted)
        {
            FailStragglers();
        }

        return pending.Completion.Task;
    }

    /// <summary>Flushes what is queued, waits for every flush, and fails any request that comes later.</summary>
    public async ValueTask DisposeAsync()
    {
        _closing = true;
        Wake();
        await _loop;
        FailStragglers();
    }

    // Not InvalidOperationException: callers treat that as a refusal for good, and a write cut off
    // by the shutdown is one to retry elsewhere.
    private void FailStragglers()
    {
        while (_queue.TryDequeue(out var late))
        {
            late.Completion.TrySetException(new OperationCanceledException("the prompt store is shutting down; the request was not sent."));
        }
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _signaled, 1) == 0)
        {
            _signal.Release();
        }
    }

    private async Task LoopAsync()
    {
        while (true)
        {
            await _signal.WaitAsync();

            // Cleared (with a full fence, so the emptiness check below cannot move before it)
            // before draining: a request queued from here on signals again.
            Interlocked.Exchange(ref _signaled, 0);
            while (!_queue.IsEmpty || _carried.Count > 0)
            {
                // Wait for company until the batch is full or the delay is over, whichever is first.
                var until = DateTime.UtcNow + _delay;
                while (_carried.Count + _queue.Count < _maxBatch && DateTime.UtcNow < until)
                {
                    await Task.Delay(1);
                }

                var batch = Take();
                await _slots.WaitAsync();
                _ = FlushAsync(batch);
            }

            if (_closing && _queue.IsEmpty)
            {
                break;
            }
        }

        // Every slot taken back means every flush in flight has finished.
        for (int i = 0; i < _maxConcurrentFlushes; i++)
        {
            await _slots.WaitAsync();
        }
    }

    private List<Pending> Take()
    {
        var batch = new List<Pending>(Math.Min(_maxBatch, _carried.Count + _queue.Count));
        var keys = _key is null ? null : new HashSet<string>(StringComparer.Ordinal);
        var carried = _carried.ToList();
        _carried.Clear();
        foreach (var pending in carried)
        {
            Add(pending);
        }

        while (batch.Count < _maxBatch && _queue.TryDequeue(out var next))
        {
            Add(next);
        }

        return batch;

        void Add(Pending pending)
        {
            string? key;
            try
            {
                key = _key?.Invoke(pending.Request);
            }
            catch (Exception e)
            {
                pending.Completion.TrySetException(e);
                return;
            }

            if (batch.Count < _maxBatch && (keys is null || keys.Add(key!)))
            {
                batch.Add(pending);
            }
            else
            {
                _carried.Add(pending);
            }
        }
    }

    private async Task FlushAsync(List<Pending> batch)
    {
        try
        {
            var results = await _flush([.. batch.Select(p => p.Request)]);
            if (results.Length != batch.Count)
            {
                throw new InvalidOperationException($"a flush of {batch.Count} requests returned {results.Length} results.");
            }

            Interlocked.Increment(ref _batches);
            for (int i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(results[i]);
            }
        }
        catch (Exception e)
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(e);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    private sealed record Pending(TRequest Request, TaskCompletionSource<TResult> Completion);
}
