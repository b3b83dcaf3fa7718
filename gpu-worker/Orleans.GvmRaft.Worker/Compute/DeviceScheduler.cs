using System.Collections.Concurrent;

namespace Orleans.GvmRaft.Worker.Compute;

/// <summary>
/// A task scheduler with one thread of its own, on which every piece of model work for one device
/// runs in turn, continuations after an <c>await</c> included.
/// </summary>
/// <remarks>
/// Why one thread: libtorch's CPU kernels run in OpenMP teams, and each thread that calls into
/// libtorch becomes the master of a team of its own. Once a process holds more OpenMP threads than
/// cores (a rollout worker sampling from pool threads, trainer jobs on threads of their own), libgomp
/// stops spinning between parallel regions and parks its threads instead, and every one of the
/// thousands of small kernels of a step pays for waking them: on the 2-core machine the main job's
/// generation ran about 1.5x and its updates 1.3x slower than the same calls from one thread
/// (<c>gvm-embedded bench overhead</c>, docs/benchmarks.md). With every call from one thread, there
/// is one team.
/// <para>
/// Inside work run here, <see cref="TaskScheduler.Current"/> is this scheduler: such work must never
/// block on a task (<c>.Result</c>, <c>.Wait()</c>) or start one with <c>Task.Factory.StartNew</c>
/// without naming <see cref="TaskScheduler.Default"/>, or it waits on itself. After
/// <see cref="Dispose"/> nothing more runs, continuations included: the silo is stopping and its jobs
/// start again on the trainer's next silo.
/// </para>
/// </remarks>
public sealed class DeviceScheduler : TaskScheduler, IDisposable
{
    private readonly BlockingCollection<Task> _queue = [];
    private readonly Thread _thread;

    /// <summary>Starts the thread, named after <paramref name="device"/>.</summary>
    public DeviceScheduler(string device)
    {
        Device = device;
        _thread = new Thread(Drain) { IsBackground = true, Name = $"gvm compute {device}" };
        _thread.Start();
    }

    /// <summary>The device whose work this scheduler runs.</summary>
    public string Device { get; }

    /// <inheritdoc />
    public override int MaximumConcurrencyLevel => 1;

    /// <summary>Runs <paramref name="work"/> on the thread.</summary>
    public Task RunAsync(Action work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this);

    /// <summary>Runs <paramref name="work"/> on the thread and returns its result.</summary>
    public Task<T> RunAsync<T>(Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this);

    /// <summary>Runs <paramref name="work"/> on the thread, its continuations too, and returns its result.</summary>
    public Task<T> RunAsync<T>(Func<Task<T>> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this).Unwrap();

    /// <summary>Lets the thread end once the work queued so far is done.</summary>
    public void Dispose()
    {
        _queue.CompleteAdding();
        // Work still queued at shutdown (a job told to stop) gets a moment to end at its next step;
        // the queue is kept while the thread may still read it.
        if (Thread.CurrentThread != _thread && _thread.Join(TimeSpan.FromSeconds(10)))
        {
            _queue.Dispose();
        }
    }

    /// <inheritdoc />
    protected override void QueueTask(Task task) => _queue.Add(task);

    /// <inheritdoc />
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Thread.CurrentThread == _thread && TryExecuteTask(task);

    /// <inheritdoc />
    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Drain()
    {
        foreach (var task in _queue.GetConsumingEnumerable())
        {
            TryExecuteTask(task);
        }
    }
}
