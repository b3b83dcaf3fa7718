using System.Globalization;
using System.Text.RegularExpressions;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Client.Failures;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Tests.Backends;

namespace Orleans.GvmRaft.Tests.Cli;

/// <summary>
/// Every command that talks to a cluster, against every kind of failure it can meet: its exit
/// code is the kind's in <see cref="FailureContract.Table"/>, and it says so in exactly one line
/// on standard error. One silo serves them all: it has no worker silo (so a run cannot start) and
/// can be told to hold every call past the client's --timeout.
/// </summary>
public sealed class FailureContractTests(FailureContractTests.Cluster cluster) : IClassFixture<FailureContractTests.Cluster>
{
    // Each command with arguments naming things that do not exist ("nope"), so that a cluster that
    // answers says "not found" where the command can.
    public static TheoryData<string, FailureKind> Cases()
    {
        var cases = new TheoryData<string, FailureKind>();
        foreach (string command in Commands.Keys)
        {
            cases.Add(command, FailureKind.NoSilo);
            cases.Add(command, FailureKind.Timeout);
            cases.Add(command, FailureKind.Refused);
        }

        foreach (string command in new[] { "prompt show", "prompts top", "prompts export", "run status", "run pause", "run resume", "run watch", "run stop", "run delete" })
        {
            cases.Add(command, FailureKind.NotFound);
        }

        cases.Add("run watch", FailureKind.Interrupted);
        return cases;
    }

    private static readonly Dictionary<string, Func<Cluster, string[]>> Commands = new()
    {
        ["import"] = c => ["import", c.GoodFile],
        ["prompt show"] = _ => ["prompt", "show", "nope"],
        ["prompts top"] = _ => ["prompts", "top", "--run", "nope"],
        ["prompts export"] = c => ["prompts", "export", "--set", "nope", "--out", c.Path("export.parquet")],
        ["run start"] = c => ["run", "start", "--config", c.StartableRun],
        ["run status"] = _ => ["run", "status", "nope"],
        ["run pause"] = _ => ["run", "pause", "nope"],
        ["run resume"] = _ => ["run", "resume", "nope"],
        ["run watch"] = c => ["run", "watch", "nope", "--out", c.Path("watch")],
        ["run stop"] = _ => ["run", "stop", "nope"],
        ["run delete"] = _ => ["run", "delete", "nope"],
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EachCommandFailsWithItsKindsExitCodeAndOneLine(string command, FailureKind kind)
    {
        string[] args = Commands[command](cluster);
        string[] target = ["--gateway-port", cluster.Port, "--cluster-id", cluster.ClusterId];
        var result = kind switch
        {
            FailureKind.NoSilo => await CliRunner.RunAsync([.. args, "--gateway-port", LoopbackPort.Free().ToString(CultureInfo.InvariantCulture), "--connect-timeout", "1"]),
            FailureKind.Timeout => await cluster.WhileCallsHangAsync(() => CliRunner.RunAsync([.. args, .. target, "--timeout", "1"])),
            FailureKind.Refused => await CliRunner.RunAsync([.. Refused(command, args), .. target]),
            FailureKind.Interrupted => await InterruptedAsync([.. args[..2], cluster.CreatedRun, .. args[3..], .. target]),
            _ => await CliRunner.RunAsync([.. args, .. target]),
        };

        Assert.True(FailureContract.ExitCode(kind) == result.ExitCode, $"exit {result.ExitCode}, expected {FailureContract.ExitCode(kind)}; stderr: {result.Error}");
        string line = Assert.Single(result.ErrorLines());
        Assert.StartsWith($"gvm {command}: ", line, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task AUsageErrorIsARefusalInOneLine()
    {
        var missing = await CliRunner.RunAsync("run", "start");
        Assert.Equal(FailureContract.ExitCode(FailureKind.Refused), missing.ExitCode);
        Assert.StartsWith("gvm run start: ", Assert.Single(missing.ErrorLines()), StringComparison.Ordinal);
        Assert.Empty(missing.Output);

        var malformed = await CliRunner.RunEmbeddedAsync("train", "--iterations", "many");
        Assert.Equal(FailureContract.ExitCode(FailureKind.Refused), malformed.ExitCode);
        Assert.StartsWith("gvm-embedded train: ", Assert.Single(malformed.ErrorLines()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartingARunWithNoWorkerSiloIsRefusedNamingWhatToStart()
    {
        var result = await CliRunner.RunAsync(["run", "start", "--config", cluster.StartableRun, "--gateway-port", cluster.Port, "--cluster-id", cluster.ClusterId]);
        Assert.Equal(FailureContract.ExitCode(FailureKind.Refused), result.ExitCode);
        Assert.Equal("gvm run start: run 'startable' cannot start: no worker silo in the cluster can host its trainer; start one (gvm-worker, role trainer or both) and start the run again.", Assert.Single(result.ErrorLines()));
    }

    public static TheoryData<string, FailureKind> Exceptions() => new()
    {
        // What the Orleans client throws when the silo it talks to stops or dies mid-command (a
        // silo killed during `run watch` gave the connection failure; see the closing note).
        { nameof(SiloUnavailableException), FailureKind.SiloStopping },
        { nameof(Orleans.Runtime.Messaging.ConnectionFailedException), FailureKind.SiloStopping },
        { nameof(TimeoutException), FailureKind.Timeout },
        { nameof(Orleans.GvmRaft.Prompts.PromptRowException), FailureKind.BadStoredRow },
        { "CUDA out of memory", FailureKind.OutOfDeviceMemory },
        { nameof(NoWorkerSiloException), FailureKind.Refused },
        { nameof(NotFoundException), FailureKind.NotFound },
        { nameof(OperationCanceledException), FailureKind.Interrupted },
        { nameof(NullReferenceException), FailureKind.Unexpected },
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public async Task EveryExceptionACommandCanMeetIsItsKindInOneLine(string thrown, FailureKind kind)
    {
        // Through the wrapper every cluster command runs in, with a message over two lines.
        Exception e = thrown switch
        {
            nameof(SiloUnavailableException) => new SiloUnavailableException("The target silo became unavailable for message: Request x.\nTarget History is: <S1>."),
            nameof(Orleans.Runtime.Messaging.ConnectionFailedException) => new Orleans.Runtime.Messaging.ConnectionFailedException("Unable to connect to S127.0.0.1:31000:0,\nwill retry"),
            nameof(TimeoutException) => new TimeoutException("Response did not arrive on time in 00:00:30\nfor message: Request x."),
            nameof(Orleans.GvmRaft.Prompts.PromptRowException) => new Orleans.GvmRaft.Prompts.PromptRowException("p", "acceptances", "is 5, more than the 3 attempts"),
            "CUDA out of memory" => new System.Runtime.InteropServices.ExternalException("CUDA out of memory. Tried to allocate 2.00 GiB\n(GPU 0; 79 GiB total)"),
            nameof(NoWorkerSiloException) => new NoWorkerSiloException("r"),
            nameof(NotFoundException) => new NotFoundException("unknown run 'r'."),
            nameof(OperationCanceledException) => new OperationCanceledException(),
            _ => new NullReferenceException("Object reference not set to an instance of an object.\n   at X.Y()"),
        };
        using var interrupt = new CancellationTokenSource();
        if (kind == FailureKind.Interrupted)
        {
            await interrupt.CancelAsync();
        }

        var error = new StringWriter();
        var parsed = new System.CommandLine.RootCommand().Parse([]);
        parsed.InvocationConfiguration.Error = error;
        int code = await FailureContract.RunAsync(parsed, "run watch", interrupt.Token, () => Task.FromException<int>(e));

        Assert.Equal(FailureContract.ExitCode(kind), code);
        string line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("gvm run watch: ", line, StringComparison.Ordinal);
        if (kind == FailureKind.OutOfDeviceMemory)
        {
            Assert.Contains("policy.miniBatch", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheReadmeShowsTheContractsTable()
    {
        // README.md's rows under its exit-code heading: | code | kind | retry | meaning |.
        string readme = await File.ReadAllTextAsync(Path.Combine(Policy.ReferenceFixtures.RepositoryRoot(), "README.md"));
        string section = readme[readme.IndexOf("### Exit codes of the commands that talk to a cluster", StringComparison.Ordinal)..];
        var rows = Regex.Matches(section, @"^\| (\d+) \| ([a-z ]+) \| (yes|no) \| (.+) \|$", RegexOptions.Multiline)
            .Select(m => (Code: int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Meaning: $"{m.Groups[2].Value}: {m.Groups[4].Value.Replace("`", "", StringComparison.Ordinal)}", Retry: m.Groups[3].Value == "yes"))
            .ToList();
        Assert.Equal(FailureContract.Table.Select(r => (r.ExitCode, r.Meaning, r.Retry)), rows);
        Assert.Equal(Enum.GetValues<FailureKind>().Length, FailureContract.Table.Select(r => r.Kind).Distinct().Count());
        Assert.Equal(FailureContract.Table.Count, FailureContract.Table.Select(r => r.ExitCode).Distinct().Count());
    }

    [Fact]
    public async Task TheRunJobStopsRetryingExactlyOnTheKindsThatRetryingCannotMend()
    {
        string job = await File.ReadAllTextAsync(Path.Combine(Deploy.Manifests.Folder, "run-job.yaml"));
        var failJob = Regex.Match(job, @"action: FailJob\s+onExitCodes:\s+containerName: gvm\s+operator: In\s+values: \[([0-9, ]+)\]");
        Assert.True(failJob.Success, "run-job.yaml has no FailJob rule on exit codes");
        int[] codes = [.. failJob.Groups[1].Value.Split(',').Select(c => int.Parse(c.Trim(), CultureInfo.InvariantCulture))];
        Assert.Equal(FailureContract.Table.Where(r => !r.Retry && r.Kind != FailureKind.Interrupted).Select(r => r.ExitCode).Order(), codes.Order());
    }

    // The failure each command meets when its request is refused: its own bad input where it has
    // one, a call timeout out of range for the others.
    private string[] Refused(string command, string[] args) => command switch
    {
        "import" => ["import", cluster.BadFile],
        "prompts top" => [.. args, "--limit", "0"],
        "run start" => ["run", "start", "--config", cluster.BadRunId],
        _ => [.. args, "--timeout", "-1"],
    };

    private static async Task<CliRunner.Result> InterruptedAsync(string[] args)
    {
        // Ctrl-C while the command waits on the cluster: here, a watch of a run that never starts.
        using var interrupt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        return await CliRunner.RunAsync(interrupt.Token, args);
    }

    /// <summary>The silo and the files the cases use.</summary>
    public sealed class Cluster : IAsyncLifetime
    {
        private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"gvm-failures-{Guid.NewGuid():N}");
        private volatile bool _hang;
        private TestSilo _silo = null!;

        /// <summary>The cluster id.</summary>
        public string ClusterId { get; } = $"gvm-failures-{Guid.NewGuid():N}";

        /// <summary>The gateway port, as an argument.</summary>
        public string Port => _silo.GatewayPort.ToString(CultureInfo.InvariantCulture);

        /// <summary>A prompt file that imports.</summary>
        public string GoodFile => Path("good.jsonl");

        /// <summary>A prompt file with a line missing its problem.</summary>
        public string BadFile => Path("bad.jsonl");

        /// <summary>A run configuration whose set holds prompts (it fails only for want of a worker silo).</summary>
        public string StartableRun => Path("startable.yaml");

        /// <summary>A run configuration whose run id breaks the rule.</summary>
        public string BadRunId => Path("bad-id.yaml");

        /// <summary>A run that exists and is never started.</summary>
        public string CreatedRun => "created";

        /// <summary>A path in this fixture's folder.</summary>
        public string Path(string name) => System.IO.Path.Combine(_folder, name);

        /// <summary>Runs <paramref name="command"/> while the silo holds every call for 5 s.</summary>
        public async Task<T> WhileCallsHangAsync<T>(Func<Task<T>> command)
        {
            _hang = true;
            try
            {
                return await command();
            }
            finally
            {
                _hang = false;
            }
        }

        /// <inheritdoc />
        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(_folder);
            await File.WriteAllTextAsync(GoodFile, """{"id": "f-1", "problem": "What is 2 + 2?", "answer": "4"}""" + "\n");
            await File.WriteAllTextAsync(BadFile, """{"id": "f-2", "answer": "4"}""" + "\n");
            await File.WriteAllTextAsync(StartableRun, "runId: startable\npromptSet: failures\nbatchSize: 1\nbudget: 2\nstage1Samples: 1\n");
            await File.WriteAllTextAsync(BadRunId, "runId: team/run\npromptSet: failures\n");
            _silo = await TestSilo.StartAsync(
                new Dictionary<string, string?> { ["Gvm:Silo:ClusterId"] = ClusterId },
                silo => silo.AddIncomingGrainCallFilter(async call =>
                {
                    // Only this project's grains hang: Orleans' own calls (the client's cluster manifest,
                    // membership) go on, as they would on a silo that is merely slow to answer.
                    if (_hang && call.InterfaceMethod?.DeclaringType?.Namespace?.StartsWith("Orleans.GvmRaft", StringComparison.Ordinal) == true)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(5));
                    }

                    await call.Invoke();
                }));
            var import = await CliRunner.RunAsync("import", GoodFile, "--set", "failures", "--gateway-port", Port, "--cluster-id", ClusterId);
            Assert.True(import.ExitCode == 0, import.Error);
            await _silo.Grains.GetGrain<ITrainingRunGrain>(CreatedRun).CreateAsync(new RunConfig(PromptSet: "failures"));
        }

        /// <inheritdoc />
        public async Task DisposeAsync()
        {
            await _silo.DisposeAsync();
            Directory.Delete(_folder, recursive: true);
        }
    }
}
