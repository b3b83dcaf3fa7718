using System.CommandLine;
using System.CommandLine.Invocation;
using Orleans.GvmRaft.Client.Allocate;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Client.Grade;
using Orleans.GvmRaft.Client.Import;
using Orleans.GvmRaft.Client.Model;
using Orleans.GvmRaft.Client.Prompts;
using Orleans.GvmRaft.Client.Runs;

namespace Orleans.GvmRaft.Client;

/// <summary>The <c>gvm</c> command tree.</summary>
public static class GvmCli
{
    /// <summary>Builds the root command with every subcommand.</summary>
    public static RootCommand Create()
    {
        var connection = new ClusterOptionsBinder();
        var root = new RootCommand("gvm: import prompt sets, start and watch runs, query prompts, and allocate sampling budgets for GVM-RAFT training on Orleans (training on the embedded default: gvm-embedded).")
        {
            AllocateCommand.Create(),
            ImportCommand.Create(connection),
            PromptCommand.Create(connection),
            PromptsCommand.Create(connection),
            RunCommand.Create(connection),
            ModelCommand.Create(),
            GradeCommand.Create(),
        };
        connection.AddTo(root);
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>, writing to the given streams.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        InvokeAsync(Create(), args, output, error, cancellationToken);

    /// <summary>Parses <paramref name="args"/> against <paramref name="root"/> and runs the command, writing to the given streams.</summary>
    public static Task<int> InvokeAsync(RootCommand root, string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        var result = root.Parse(args);

        // A usage error goes to standard error alone: commands like allocate promise that standard
        // output carries data and nothing else, and a help page there would be read as data.
        if (result.Action is ParseErrorAction parseError)
        {
            parseError.ShowHelp = false;
        }

        return result.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }
}
