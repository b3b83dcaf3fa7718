using Orleans.GvmRaft.Worker.Compute;

namespace Orleans.GvmRaft.Tests.Workers;

public sealed class DeviceSchedulerTests
{
    [Fact]
    public async Task AllWorkOfADeviceRunsOnOneThreadContinuationsIncluded()
    {
        using var schedulers = new DeviceSchedulers();
        var cpu = schedulers.For("cpu");
        Assert.Same(cpu, schedulers.For(null));
        Assert.Same(cpu, schedulers.For(" CPU "));
        Assert.NotSame(cpu, schedulers.For("cuda:1"));
        Assert.Same(schedulers.For("cuda"), schedulers.For("cuda:0"));

        int first = await cpu.RunAsync(() => Environment.CurrentManagedThreadId);
        Assert.NotEqual(Environment.CurrentManagedThreadId, first);
        Assert.Equal("gvm compute cpu", await cpu.RunAsync(() => Thread.CurrentThread.Name));

        // An async body resumes on the device's thread after awaiting work that ran elsewhere.
        var (before, elsewhere, after) = await cpu.RunAsync(async () =>
        {
            int b = Environment.CurrentManagedThreadId;
            int e = await Task.Run(() => Environment.CurrentManagedThreadId);
            await Task.Delay(10);
            return (b, e, Environment.CurrentManagedThreadId);
        });
        Assert.Equal(first, before);
        Assert.NotEqual(first, elsewhere);
        Assert.Equal(first, after);

        // Work queued from many threads at once runs one piece at a time, all of it.
        int running = 0, most = 0, done = 0;
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => cpu.RunAsync(() =>
        {
            int now = Interlocked.Increment(ref running);
            most = Math.Max(most, now);
            Thread.SpinWait(1000);
            Interlocked.Decrement(ref running);
            return Interlocked.Increment(ref done);
        }))));
        Assert.Equal(1, most);
        Assert.Equal(50, done);
    }

    [Fact]
    public async Task AFailureReachesTheCallerAndTheThreadGoesOn()
    {
        using var schedulers = new DeviceSchedulers();
        var cpu = schedulers.For("cpu");
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => cpu.RunAsync(new Func<int>(() => throw new InvalidOperationException("out of memory"))));
        Assert.Equal("out of memory", e.Message);
        Assert.Equal(42, await cpu.RunAsync(() => 42));
    }

    [Fact]
    public async Task DisposedSchedulersEndTheirThreadAndRefuseNewWork()
    {
        var schedulers = new DeviceSchedulers();
        var cpu = schedulers.For("cpu");
        var thread = await cpu.RunAsync(() => Thread.CurrentThread);
        schedulers.Dispose();
        Assert.False(thread.IsAlive);
        Assert.Throws<ObjectDisposedException>(() => schedulers.For("cpu"));
        Assert.ThrowsAny<Exception>(() => { _ = cpu.RunAsync(() => 1); });
    }
}
