using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Silo.Dashboard;
using Orleans.GvmRaft.Tests.Cli;
using Orleans.GvmRaft.Worker.Hosting;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Tests.Observability;

/// <summary>
/// The metrics endpoint of a silo built as gvm-worker builds one (<see cref="GvmSiloHost"/>),
/// scraped over HTTP while a short run trains, and its numbers checked against the queue's and the
/// run's own records and against invariants (an iteration is the sum of its phases).
/// </summary>
public sealed class MetricsEndpointTests : IAsyncLifetime
{
    private const string RunId = "metrics-run";
    private const int Prompts = 8;
    private const int BatchSize = 4;
    private const int Iterations = 3;

    private readonly string _clusterId = $"gvm-test-{Guid.NewGuid():N}";
    private readonly string _checkpoints = Path.Combine(Path.GetTempPath(), $"gvm-metrics-checkpoints-{Guid.NewGuid():N}");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private IHost _silo = null!;
    private int _gatewayPort;

    public async Task InitializeAsync()
    {
        int[] ports = LoopbackPort.Free(3);
        _gatewayPort = ports[1];
        _http.BaseAddress = new Uri($"http://127.0.0.1:{ports[2]}");
        _silo = GvmSiloHost.Build(
            [
                "--Gvm:Silo:SiloPort", ports[0].ToString(CultureInfo.InvariantCulture),
                "--Gvm:Silo:GatewayPort", _gatewayPort.ToString(CultureInfo.InvariantCulture),
                "--Gvm:Silo:ClusterId", _clusterId,
                "--Gvm:Metrics:Enabled", "true",
                "--Gvm:Metrics:Port", ports[2].ToString(CultureInfo.InvariantCulture),
                "--Gvm:Checkpoints:Directory", _checkpoints,

                // Every iteration's items stay in the queue, to compare with the counters; and the
                // worker polls slowly, so each stage's items wait a while for it to be seen.
                "--Gvm:Rollouts:KeepIterations", "100",
                "--Gvm:Worker:PollInterval", "00:00:01.5",
                "--Logging:LogLevel:Default", "Warning",
            ],
            WorkerRole.Worker,
            (silo, configuration) => silo.AddGvmWorker(configuration));
        await _silo.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _silo.StopAsync();
        _silo.Dispose();
        if (Directory.Exists(_checkpoints))
        {
            Directory.Delete(_checkpoints, recursive: true);
        }
    }

    [Fact]
    public async Task AScrapeDuringARunShowsItsQueueIterationsAndWorkers()
    {
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode);

        string prompts = CliRunner.TempFile([.. Enumerable.Range(0, Prompts).Select(i =>
            $$"""{"id": "metrics-{{i}}", "problem": "{{i}}+{{i}}=", "answer": "{{2 * i}}", "verifier": "exact"}""")]);
        var imported = await Gvm("import", prompts, "--set", "metrics-set");
        Assert.True(imported.ExitCode == 0, imported.Error);
        string config = Path.Combine(Path.GetTempPath(), $"gvm-metrics-run-{Guid.NewGuid():N}.yaml");
        await File.WriteAllLinesAsync(config,
        [
            $"runId: {RunId}",
            "promptSet: metrics-set",
            $"batchSize: {BatchSize}",
            "stage1Samples: 2",
            "budget: 8",
            $"iterations: {Iterations}",
            $"evalEvery: {Iterations}",
            "policy: {warmupSteps: 2, warmupExamples: 6, evalPrompts: 4}",
        ]);
        var clock = Stopwatch.StartNew();
        var start = await Gvm("run", "start", "--config", config);
        File.Delete(config);
        Assert.True(start.ExitCode == 0, start.Error);

        // Scrape as Prometheus would, more often, until the run is done.
        var run = _silo.Services.GetRequiredService<IGrainFactory>().GetGrain<ITrainingRunGrain>(RunId);
        var scrapes = new List<IReadOnlyList<PrometheusSample>>();
        RunSnapshot snapshot;
        do
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "the run did not finish in 3 minutes");
            scrapes.Add(await ScrapeAsync());
            await Task.Delay(100);
            snapshot = (await run.GetSnapshotAsync())!;
        }
        while (snapshot.Phase != RunPhase.Completed);

        // The run reads completed once its last update is committed, a moment before its grain has
        // timed that iteration and stopped reporting; and the exporter serves a scrape again for
        // 300 ms. Scrape until the end is in, for a while.
        IReadOnlyList<PrometheusSample> last;
        var settling = Stopwatch.StartNew();
        do
        {
            await Task.Delay(200);
            last = await ScrapeAsync();
        }
        while ((Value(last, "gvm_run_iteration_duration_seconds_count") < Iterations || last.Any(s => s.Name == "gvm_rollout_queue_depth" && s.Has("run", RunId)))
            && settling.Elapsed < TimeSpan.FromSeconds(15));
        double runSeconds = clock.Elapsed.TotalSeconds;

        // The queue depth: of one stage's items (at most one per prompt of the batch), seen above 0.
        var depths = Values(scrapes, "gvm_rollout_queue_depth");
        Assert.NotEmpty(depths);
        Assert.All(depths, d => Assert.InRange(d, 0, BatchSize));
        Assert.Contains(depths, d => d > 0);
        Assert.All(scrapes.SelectMany(s => s).Where(s => s.Name == "gvm_rollout_queue_depth" && s.Has("run", RunId)), s => Assert.True(s.Has("served_by", "worker_silos")));
        Assert.All(scrapes, s => Assert.True(Value(s, "gvm_rollout_queue_pending") <= Value(s, "gvm_rollout_queue_depth")));
        var ages = Values(scrapes, "gvm_rollout_lease_oldest_age_seconds");
        Assert.NotEmpty(ages);
        Assert.All(ages, age => Assert.InRange(age, 0, runSeconds));
        var leasing = Values(scrapes, "gvm_rollout_workers");
        Assert.NotEmpty(leasing);
        Assert.All(leasing, w => Assert.InRange(w, 0, 1));
        string siloName = _silo.Services.GetRequiredService<Runtime.ILocalSiloDetails>().Name;
        Assert.Contains(1.0, scrapes.SelectMany(s => s).Where(s => s.Name == "gvm_workers_live" && s.Has("silo", siloName)).Select(s => s.Value));

        // Counters against the queue's own records: one claim per lease, one completion per item.
        var queue = _silo.Services.GetRequiredService<IGrainFactory>().GetGrain<IRolloutQueueGrain>(RunId);
        var items = new List<WorkItemRecord>();
        for (int iteration = 1; iteration <= Iterations; iteration++)
        {
            items.AddRange(await queue.GetItemsAsync(iteration, RolloutStage.Estimate));
            items.AddRange(await queue.GetItemsAsync(iteration, RolloutStage.Sample));
        }

        Assert.Equal(items.Count, Value(last, "gvm_rollout_items_completed_total"));
        Assert.Equal(items.Sum(i => i.Leases), Value(last, "gvm_rollout_items_claimed_total"));

        // Iterations: one per finished iteration, each the sum of its five steps, within the run's time.
        Assert.Equal(Iterations, Value(last, "gvm_run_iteration_duration_seconds_count"));
        double iterationSeconds = Value(last, "gvm_run_iteration_duration_seconds_sum");
        Assert.InRange(iterationSeconds, 0.001, runSeconds);
        string[] phases = ["pick_batch", "estimate", "allocate", "sample", "update"];
        Assert.All(phases, phase => Assert.Equal(Iterations, Value(last, "gvm_run_phase_duration_seconds_count", ("phase", phase))));
        double phaseSeconds = phases.Sum(phase => Value(last, "gvm_run_phase_duration_seconds_sum", ("phase", phase)));
        Assert.Equal(iterationSeconds, phaseSeconds, 6);

        // The accept rate shown after iteration k is iteration k's, as the run's history has it.
        var acceptRates = scrapes
            .Select(s => (Iteration: Optional(s, "gvm_run_iteration"), Rate: Optional(s, "gvm_run_accept_rate")))
            .Where(x => x.Iteration is > 0 && x.Rate is not null)
            .ToList();
        Assert.NotEmpty(acceptRates);
        Assert.All(acceptRates, x => Assert.Equal(snapshot.History[(int)x.Iteration!.Value - 1].TrainAcceptRate, x.Rate!.Value, 9));

        // Per silo (other tests' silos share this process): the prompts imported are active here,
        // and each was written at least once when it was defined.
        Assert.Equal(Prompts, Value(last, "gvm_prompt_activations", ("silo", siloName), run: null));
        Assert.True(Value(last, "gvm_storage_write_duration_seconds_count", ("silo", siloName), run: null) >= Prompts);
        Assert.True(Optional(last, "gvm_storage_write_duration_seconds_count", ("grain", "PromptGrain"), run: null) > 0);

        // Buckets in seconds, fine enough for a write of a millisecond and a step of minutes.
        Assert.Contains(last, s => s.Name == "gvm_storage_write_duration_seconds_bucket" && s.Has("le", "0.001"));
        Assert.Contains(last, s => s.Name == "gvm_run_phase_duration_seconds_bucket" && s.Has("le", "600"));

        // A finished run is no longer reported, so it adds nothing to the autoscaler's sum.
        Assert.DoesNotContain(last, s => s.Name == "gvm_rollout_queue_depth" && s.Has("run", RunId));

        // Every metric the autoscaler's query names was published during the run, with its labels.
        string query = File.ReadAllText(Path.Combine(Policy.ReferenceFixtures.RepositoryRoot(), "deploy", "k8s", "worker-autoscaler.yaml"));
        var named = Regex.Matches(query, """(gvm_[a-z_]+)(\{(\w+)="(\w+)"\})?""").ToList();
        Assert.NotEmpty(named);
        Assert.All(named, m => Assert.Contains(scrapes, s => s.Any(sample => sample.Name == m.Groups[1].Value
            && (!m.Groups[2].Success || sample.Has(m.Groups[3].Value, m.Groups[4].Value)))));
    }

    private async Task<IReadOnlyList<PrometheusSample>> ScrapeAsync()
    {
        using var response = await _http.GetAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    private static List<double> Values(List<IReadOnlyList<PrometheusSample>> scrapes, string name, string? run = RunId) =>
        [.. scrapes.SelectMany(s => s).Where(s => s.Name == name && (run is null || s.Has("run", run))).Select(s => s.Value)];

    private static double Value(IReadOnlyList<PrometheusSample> scrape, string name, (string Label, string Value)? label = null, string? run = RunId) =>
        Optional(scrape, name, label, run) ?? 0;

    private static double? Optional(IReadOnlyList<PrometheusSample> scrape, string name, (string Label, string Value)? label = null, string? run = RunId)
    {
        var matching = scrape.Where(s => s.Name == name && (run is null || s.Has("run", run)) && (label is not { } l || s.Has(l.Label, l.Value))).ToList();
        return matching.Count == 0 ? null : matching.Sum(s => s.Value);
    }

    private Task<CliRunner.Result> Gvm(params string[] args) =>
        CliRunner.RunAsync([.. args, "--gateway-port", _gatewayPort.ToString(CultureInfo.InvariantCulture), "--cluster-id", _clusterId]);
}
