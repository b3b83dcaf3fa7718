using System.CommandLine;
using System.Globalization;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Client.Failures;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Client.Runs;

/// <summary><c>gvm run start|status|pause|resume|watch</c>: training runs on a cluster with worker silos.</summary>
public static class RunCommand
{
    /// <summary>Builds <c>run</c> with its subcommands.</summary>
    public static Command Create(ClusterOptionsBinder cluster)
    {
        var config = new Option<string>("--config") { Description = "Run configuration, JSON or YAML (.yaml/.yml): runId, promptSet, allocator, budget, batchSize, stage1Samples, iterations, evalEvery, policy {...}, reuse {...}.", Required = true };
        var waitForWorker = new Option<double>("--wait-for-worker")
        {
            Description = "Seconds to wait for a worker silo that can host the run's trainer, when none has joined yet (a deployment whose GPU nodes are still starting); 0 refuses at once.",
            DefaultValueFactory = _ => 0,
        };
        var start = new Command("start", "Create a run from a configuration file and start it; its grain drives the iterations on the cluster's worker silos.") { config, waitForWorker };
        start.SetAction((result, ct) => FailureContract.RunAsync(result, "run start", ct, async () =>
        {
            // The configuration first: a bad one is refused (exit 2) even with no silo up.
            double wait = result.GetValue(waitForWorker);
            if (!(wait >= 0 && wait <= 86400))
            {
                throw new ArgumentException($"--wait-for-worker must be between 0 and 86400 seconds (got {wait}).");
            }

            var (runId, runConfig) = RunConfigFile.Read(result.GetValue(config)!);
            await using var connection = await cluster.ConnectAsync(result, ct);
            var run = connection.Client.GetGrain<ITrainingRunGrain>(runId);
            await run.CreateAsync(runConfig);
            Print(result, await StartWhenAWorkerJoinsAsync(result, run, TimeSpan.FromSeconds(wait), ct), null, []);
            return 0;
        }));

        var status = WithRun("status", "Print a run's phase, step, progress, metrics and the live workers.", cluster, async (result, grains, runId, ct) =>
        {
            var snapshot = await SnapshotAsync(grains, runId);
            var progress = snapshot.Step is IterationStep.Estimate or IterationStep.Sample
                ? await grains.GetGrain<IRolloutQueueGrain>(runId).GetProgressAsync(
                    snapshot.CompletedIterations + 1, snapshot.Step == IterationStep.Estimate ? RolloutStage.Estimate : RolloutStage.Sample)
                : null;
            var job = RunWatcher.TrainerWorks(snapshot)
                ? await PolicyTrainers.For(grains, runId, snapshot.Config.PolicyOrDefault).GetJobAsync()
                : null;
            Print(result, snapshot, progress, await grains.GetGrain<IWorkerDirectoryGrain>(0).GetWorkersAsync(), job);
            return 0;
        });
        var pause = WithRun("pause", "Pause a run at its next step boundary; resume goes on from there.", cluster, async (result, grains, runId, ct) =>
        {
            await SnapshotAsync(grains, runId);
            Print(result, await grains.GetGrain<ITrainingRunGrain>(runId).PauseAsync(), null, []);
            return 0;
        });
        var resume = WithRun("resume", "Resume a paused run.", cluster, async (result, grains, runId, ct) =>
        {
            await SnapshotAsync(grains, runId);
            Print(result, await grains.GetGrain<ITrainingRunGrain>(runId).ResumeAsync(), null, []);
            return 0;
        });

        var stop = WithRun("stop", "End a run for good at its next step boundary; its state, history and checkpoints stay readable, and it cannot be resumed.", cluster, async (result, grains, runId, ct) =>
        {
            await SnapshotAsync(grains, runId);
            Print(result, await grains.GetGrain<ITrainingRunGrain>(runId).StopAsync(), null, []);
            return 0;
        });
        var delete = WithRun("delete", "Delete a stopped, completed or failed run: its queue, checkpoints, prompt index and history. The prompts' statistics stay with their prompt set.", cluster, async (result, grains, runId, ct) =>
        {
            await SnapshotAsync(grains, runId);
            await grains.GetGrain<ITrainingRunGrain>(runId).DeleteAsync();
            result.InvocationConfiguration.Output.WriteLine($"run {runId}: deleted (its queue, checkpoints, prompt index and history; the prompts' statistics stay)");
            return 0;
        });

        var output = new Option<string>("--out") { Description = "Run folder to write.", DefaultValueFactory = _ => "runs/watch" };
        var watch = WithRun("watch", "Follow a run to completion, writing its run folder (metrics.jsonl, allocations.jsonl, accuracy.svg, checkpoint/).", cluster, async (result, grains, runId, ct) =>
        {
            await SnapshotAsync(grains, runId);
            var error = result.InvocationConfiguration.Error;

            // The trainer's job and the final download as plain lines, at most one every 10 s.
            var progress = new ProgressBoard(error, TimeProvider.System, ConsoleProgress.PlainInterval);
            var job = progress.AddTask("trainer", maxValue: 1);
            ProgressItem? download = null;
            var metrics = await new RunWatcher(
                grains,
                runId,
                result.GetValue(output)!,
                line => error.WriteLine(line),
                j =>
                {
                    job.Description = FormattableString.Invariant($"{j.Kind} of version {j.Version}: step{(j.Loss is double l ? $" (loss {l:F3})" : "")}");
                    job.MaxValue = Math.Max(1, j.Steps);
                    job.Value = j.Step;
                },
                (done, all) =>
                {
                    download ??= progress.AddTask("checkpoint bytes", maxValue: Math.Max(1, all));
                    download.Value = done;
                }).WatchAsync(
                m => error.WriteLine(FormattableString.Invariant($"iteration {m.Iteration}: {m.Samples} rollouts, accept {m.TrainAcceptRate:P1}{(m.EvalAccuracy is double a ? $", eval {a:P1}" : "")}")),
                ct);
            result.InvocationConfiguration.Output.WriteLine(FormattableString.Invariant($"held-out accuracy {metrics[0].EvalAccuracy:P1} → {metrics[^1].EvalAccuracy:P1} after {metrics[^1].Samples} rollouts"));
            return 0;
        }, output);
        return new Command("run", "Start, watch, pause, resume, stop and delete training runs.") { start, status, pause, resume, watch, stop, delete };
    }

    private static Command WithRun(string name, string description, ClusterOptionsBinder cluster, Func<ParseResult, IGrainFactory, string, CancellationToken, Task<int>> action, params Option[] options)
    {
        var runId = new Argument<string>("RUN") { Description = "The run id." };
        var command = new Command(name, description) { runId };
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.SetAction((result, ct) => RunAsync(result, name, cluster, ct, grains => action(result, grains, result.GetValue(runId)!, ct)));
        return command;
    }

    // Starting is idempotent, so a start refused for want of a worker silo is simply asked again.
    private static async Task<RunSnapshot> StartWhenAWorkerJoinsAsync(ParseResult result, ITrainingRunGrain run, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + wait;
        bool told = false;
        while (true)
        {
            try
            {
                return await run.StartAsync();
            }
            catch (NoWorkerSiloException) when (DateTimeOffset.UtcNow < deadline)
            {
                if (!told)
                {
                    // Standard output: a start that then fails still says one line on standard error.
                    result.InvocationConfiguration.Output.WriteLine($"gvm run start: no worker silo yet; waiting up to {wait.TotalSeconds:F0} s for one to join.");
                    told = true;
                }

                await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            }
        }
    }

    private static Task<int> RunAsync(ParseResult result, string name, ClusterOptionsBinder cluster, CancellationToken cancellationToken, Func<IGrainFactory, Task<int>> action) =>
        FailureContract.RunAsync(result, $"run {name}", cancellationToken, async () =>
        {
            await using var connection = await cluster.ConnectAsync(result, cancellationToken);
            return await action(connection.Client);
        });

    private static async Task<RunSnapshot> SnapshotAsync(IGrainFactory grains, string runId) =>
        await grains.GetGrain<ITrainingRunGrain>(runId).GetSnapshotAsync()
        ?? throw new NotFoundException($"unknown run '{runId}'.");

    private static void Print(ParseResult result, RunSnapshot s, QueueProgress? progress, WorkerStatus[] workers, TrainerJob? job = null)
    {
        var output = result.InvocationConfiguration.Output;
        var last = s.History.LastOrDefault(h => h.Iteration <= s.CompletedIterations);
        var lastEval = s.History.LastOrDefault(h => h.EvalAccuracy is not null)?.EvalAccuracy ?? s.InitialEvalAccuracy;
        var lines = new List<string>
        {
            $"run {s.RunId}: {s.Phase.ToString().ToLowerInvariant()}, iteration {s.CompletedIterations}/{s.Config.Iterations}"
                + (s.Phase is RunPhase.Running or RunPhase.Paused ? $", next step {s.Step.ToString().ToLowerInvariant()}" : ""),
            $"  allocator {s.Config.Allocator}, B {s.Config.BatchSize}, n0 {s.Config.Stage1Samples}, N {s.Config.Budget}, prompt set {s.Config.PromptSet ?? "(none)"}",
            FormattableString.Invariant($"  policy version {s.PolicyVersion}, {s.Samples} rollouts, {s.Seconds:F0} s")
                + (last is null ? "" : FormattableString.Invariant($", last accept rate {last.TrainAcceptRate:P1}"))
                + (lastEval is double e ? FormattableString.Invariant($", held-out accuracy {e:P1}") : ""),
        };
        if (progress is not null)
        {
            lines.Add($"  queue: {progress.Completed} done, {progress.Leased} leased, {progress.Pending} pending, {progress.Reissued} re-issued");
        }

        if (job is { Done: false })
        {
            lines.Add(FormattableString.Invariant($"  trainer: {job.Kind} of version {job.Version} on {job.Silo}, {(job.Steps == 0 ? "starting" : $"step {job.Step}/{job.Steps}")}")
                + (job.Loss is double loss ? FormattableString.Invariant($", loss {loss:F3}") : "")
                + FormattableString.Invariant($", {(DateTimeOffset.UtcNow - job.StartedAt).TotalSeconds:F0} s"));
        }

        if (workers.Length > 0)
        {
            lines.Add($"  workers: {string.Join(", ", workers.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.WorkerId} ({w.Rollouts} rollouts, v{w.PolicyVersion})")))}");
        }

        if (s.ExcludedCount > 0)
        {
            int listed = s.Excluded?.Length ?? 0;
            lines.Add($"  left out, never trained on ({listed} prompts{(s.ExcludedCount > listed ? $", {s.ExcludedCount} exclusions in all" : "")}): {string.Join("; ", (s.Excluded ?? []).Take(3))}{(listed > 3 ? "; …" : "")}");
        }

        if (s.LastError is { } error)
        {
            lines.Add($"  last error (retrying): {error}");
        }

        foreach (string line in lines)
        {
            output.WriteLine(line);
        }
    }
}
