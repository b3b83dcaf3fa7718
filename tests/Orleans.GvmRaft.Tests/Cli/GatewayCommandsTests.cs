using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Orleans.GvmRaft.Client.Cluster;

namespace Orleans.GvmRaft.Tests.Cli;

/// <summary>
/// <c>gvm import</c>, <c>prompt show</c>, <c>run</c> and <c>prompts top</c> against a real silo
/// host (a worker silo, so runs train) whose gateway listens on a loopback TCP port, the way a
/// user runs them.
/// </summary>
public sealed class GatewayCommandsTests : IAsyncLifetime
{
    private readonly string _clusterId = $"gvm-test-{Guid.NewGuid():N}";
    private readonly string _checkpoints = Path.Combine(Path.GetTempPath(), $"gvm-gateway-checkpoints-{Guid.NewGuid():N}");
    private IHost _silo = null!;
    private int _gatewayPort;

    public async Task InitializeAsync() => (_silo, _gatewayPort) = await Workers.WorkerSiloHost.StartAsync(new Dictionary<string, string?>
    {
        ["Gvm:Silo:ClusterId"] = _clusterId,

        // Its own store: the run ids here are fixed, and a shared store may hold another run's versions.
        ["Gvm:Checkpoints:Directory"] = _checkpoints,
    });

    public Task DisposeAsync() => Workers.WorkerSiloHost.StopAsync(_silo, _checkpoints);

    [Fact]
    public async Task ImportThenShowAPrompt()
    {
        string file = CliRunner.TempFile(
            """{"id": "g-1", "problem": "What is 6 * 7?", "answer": "42", "verifier": "exact"}""",
            """{"problem": "What is 1 + 1?", "answer": "2"}""");
        var import = await Gvm("import", file);
        Assert.Equal(0, import.ExitCode);
        Assert.Contains("2 new", import.Output);

        var show = await Gvm("prompt", "show", "g-1");
        Assert.Equal(0, show.ExitCode);
        var json = JsonDocument.Parse(show.Output).RootElement;
        Assert.Equal("What is 6 * 7?", json.GetProperty("definition").GetProperty("text").GetString());
        Assert.Equal("42", json.GetProperty("definition").GetProperty("answer").GetString());
        Assert.Equal(0, json.GetProperty("statistics").GetProperty("attempts").GetInt64());
        Assert.Equal(0.5, json.GetProperty("statistics").GetProperty("posterior").GetProperty("mean").GetDouble());

        var again = await Gvm("import", file);
        Assert.Contains("0 new, 2 already present", again.Output);
    }

    [Fact]
    public async Task AMalformedFileImportsNothing()
    {
        string file = CliRunner.TempFile(
            """{"id": "m-1", "problem": "What is 2 + 2?", "answer": "4"}""",
            """{"id": "m-2", "problem": "What is 3 + 3?"}""");
        var import = await Gvm("import", file);
        Assert.Equal(2, import.ExitCode);
        Assert.Contains($"{file}:2: \"answer\" is missing", import.Error);
        Assert.Contains("nothing was imported", import.Error);

        var show = await Gvm("prompt", "show", "m-1");
        Assert.Equal(1, show.ExitCode);
        Assert.Contains("unknown prompt 'm-1'", show.Error);
    }

    [Fact]
    public async Task StartARunFromYamlWatchItAndRankItsPrompts()
    {
        string prompts = CliRunner.TempFile([.. Enumerable.Range(0, 6).Select(i =>
            $$"""{"id": "cli-{{i}}", "problem": "{{i}}+{{i}}=", "answer": "{{2 * i}}", "verifier": "exact"}""")]);
        var imported = await Gvm("import", prompts, "--set", "cli-set");
        Assert.True(imported.ExitCode == 0, imported.Error);

        string bad = CliRunner.TempFile("""{"runId": "cli-run", "promptSet": "cli-set", "budget": -3}""");
        var refused = await Gvm("run", "start", "--config", bad);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("budget must be >= 0", refused.Error);
        Assert.Contains("unknown run 'cli-run'", (await Gvm("run", "status", "cli-run")).Error);

        string config = Path.ChangeExtension(CliRunner.TempFile(
            "runId: cli-run",
            "promptSet: cli-set",
            "batchSize: 3",
            "stage1Samples: 2",
            "budget: 6",
            "iterations: 2",
            "evalEvery: 1",
            "policy: {warmupSteps: 2, warmupExamples: 6, evalPrompts: 4}"), ".yaml");
        File.Move(Path.ChangeExtension(config, ".jsonl"), config);
        var start = await Gvm("run", "start", "--config", config);
        Assert.True(start.ExitCode == 0, start.Error);
        Assert.Contains("run cli-run: running", start.Output);

        string folder = Path.Combine(Path.GetTempPath(), $"gvm-watch-{Guid.NewGuid():N}");
        var watch = await Gvm("run", "watch", "cli-run", "--out", folder);
        Assert.True(watch.ExitCode == 0, watch.Error);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(folder, "metrics.jsonl")).Length);

        var status = await Gvm("run", "status", "cli-run");
        Assert.Contains("run cli-run: completed, iteration 2/2", status.Output);
        Assert.Contains("policy version 2, 24 rollouts", status.Output);

        var top = await Gvm("prompts", "top", "--run", "cli-run", "--by", "samples", "--limit", "2");
        Assert.Equal(0, top.ExitCode);
        var rows = top.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, rows.Length);
        Assert.StartsWith("rank\tprompt", rows[0]);
        Assert.StartsWith("1\tcli-", rows[1]);
        Assert.Equal(1, (await Gvm("prompts", "top", "--run", "no-such-run")).ExitCode);

        // A second run on the same set, stopped for good while it runs, then deleted with the first.
        string longer = Path.ChangeExtension(CliRunner.TempFile(
            "runId: cli-run-2",
            "promptSet: cli-set",
            "batchSize: 3",
            "stage1Samples: 2",
            "budget: 6",
            "iterations: 500",
            "policy: {warmupSteps: 2, warmupExamples: 6, evalPrompts: 4}"), ".yaml");
        File.Move(Path.ChangeExtension(longer, ".jsonl"), longer);
        Assert.Equal(0, (await Gvm("run", "start", "--config", longer)).ExitCode);
        var running = await Gvm("run", "delete", "cli-run-2");
        Assert.Equal(2, running.ExitCode);
        Assert.Equal("gvm run delete: run 'cli-run-2' is running: stop it first (gvm run stop cli-run-2), then delete it.", Assert.Single(running.ErrorLines()));
        var stopped = await Gvm("run", "stop", "cli-run-2");
        Assert.True(stopped.ExitCode == 0, stopped.Error);
        Assert.StartsWith("run cli-run-2: stopped", stopped.Output);
        Assert.Contains("run cli-run-2: stopped", (await Gvm("run", "status", "cli-run-2")).Output);
        Assert.Contains("stopped for good", (await Gvm("run", "resume", "cli-run-2")).Error);

        string before = (await Gvm("prompt", "show", "cli-1")).Output;
        Assert.True(Directory.Exists(Path.Combine(_checkpoints, "cli-run")));
        Assert.Contains("run cli-run: completed", (await Gvm("run", "stop", "cli-run")).Output);
        foreach (string runId in new[] { "cli-run-2", "cli-run" })
        {
            var deleted = await Gvm("run", "delete", runId);
            Assert.True(deleted.ExitCode == 0, deleted.Error);
            Assert.Equal(1, (await Gvm("run", "status", runId)).ExitCode);
            Assert.False(Directory.Exists(Path.Combine(_checkpoints, runId)), $"{runId}'s checkpoints are still there");
        }

        Assert.Equal(1, (await Gvm("prompts", "top", "--run", "cli-run")).ExitCode);

        // The id stays taken: the prompts' visits still carry it.
        var reused = await Gvm("run", "start", "--config", config);
        Assert.Equal(2, reused.ExitCode);
        Assert.Contains("belonged to a deleted run", reused.Error);
        Assert.Equal(before, (await Gvm("prompt", "show", "cli-1")).Output);
        Assert.Contains("\"attempts\": ", before);
        Assert.DoesNotContain("\"attempts\": 0,", before);
    }

    [Fact]
    public async Task NoSiloOnThePortIsAClearError()
    {
        var show = await CliRunner.RunAsync(
            "prompt", "show", "x", "--connect-timeout", "1", "--gateway-port", LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3, show.ExitCode);
        Assert.Contains("no silo of cluster", show.Error);
    }

    [Fact]
    public async Task ABadFileIsReportedAtOnceThoughTheImportConnectsWhileItReads()
    {
        // The client connects while the file is read: a bad line is what the user is told about
        // when no silo answers, without waiting out the connect timeout (60 s here; an import
        // that waited would take the test past its 30 s bound); a good file meets the cluster's error.
        string port = LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture);
        string bad = CliRunner.TempFile(
            """{"id": "b-1", "problem": "What is 2 + 2?", "answer": "4"}""",
            """{"id": "b-2", "answer": "6"}""");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var badImport = await CliRunner.RunAsync("import", bad, "--connect-timeout", "60", "--gateway-port", port);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"a bad file took {clock.Elapsed} to report");
        Assert.Equal(2, badImport.ExitCode);
        Assert.Contains($"{bad}:2: \"problem\" (or \"prompt\") is missing", badImport.Error);
        Assert.DoesNotContain("no silo of cluster", badImport.Error);

        string good = CliRunner.TempFile("""{"id": "g-1", "problem": "What is 2 + 2?", "answer": "4"}""");
        var goodImport = await CliRunner.RunAsync("import", good, "--connect-timeout", "1", "--gateway-port", port);
        Assert.Equal(3, goodImport.ExitCode);
        Assert.Contains("no silo of cluster", goodImport.Error);
        Assert.Contains("nothing was imported", goodImport.Error);
    }

    private Task<CliRunner.Result> Gvm(params string[] args) =>
        CliRunner.RunAsync([.. args, "--gateway-port", _gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cluster-id", _clusterId]);
}
