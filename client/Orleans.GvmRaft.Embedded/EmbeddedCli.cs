using System.CommandLine;
using Orleans.GvmRaft.Client;
using Orleans.GvmRaft.Embedded.Bench;
using Orleans.GvmRaft.Embedded.Demo;
using Orleans.GvmRaft.Embedded.Train;

namespace Orleans.GvmRaft.Embedded;

/// <summary>The <c>gvm-embedded</c> command tree: what runs with a silo inside this process.</summary>
public static class EmbeddedCli
{
    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand Create() => new("gvm-embedded: the embedded default — a silo and a worker silo in this process — for training, experiments, the demo and benchmarks.")
    {
        TrainCommand.Create(),
        ExperimentCommand.Create(),
        DemoCommand.Create(),
        BenchCommand.Create(),
    };

    /// <summary>Parses and runs <paramref name="args"/>, writing to the given streams.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        GvmCli.InvokeAsync(Create(), args, output, error, cancellationToken, "gvm-embedded");
}
