using Orleans.GvmRaft.Client;

namespace Orleans.GvmRaft.Tests.Cli;

public sealed class ProgressBoardTests
{
    [Fact]
    public void AwayFromATerminalProgressIsAPlainLineAtMostOncePerInterval()
    {
        var clock = new ManualClock();
        var lines = new StringWriter();
        var board = new ProgressBoard(lines, clock, TimeSpan.FromSeconds(10));
        var reading = board.AddTask("reading", maxValue: 1);
        reading.Value = 1;
        var importing = board.AddTask("importing", maxValue: 200);

        // One change a second for 25 s: lines at 10 s and 20 s, none before the first interval.
        for (int second = 1; second <= 25; second++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            importing.Value = second * 4;
        }

        Assert.Equal(
            ["reading 100%, importing 40/200 (20%)", "reading 100%, importing 80/200 (40%)"],
            lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task WorkShorterThanTheIntervalWritesNothing()
    {
        var lines = new StringWriter();
        int result = await ConsoleProgress.RunAsync(lines, board =>
        {
            var task = board.AddTask("exporting", maxValue: 10);
            for (int i = 1; i <= 10; i++)
            {
                task.Value = i;
            }

            return Task.FromResult(7);
        });
        Assert.Equal(7, result);
        Assert.Equal("", lines.ToString());
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
