using System.CommandLine;
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

    /// <summary>Parses <paramref name="args"/> against <paramref name="root"/> and runs the command, writing to the given streams; <paramref name="program"/> names it in usage errors.</summary>
    public static Task<int> InvokeAsync(RootCommand root, string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default, string program = "gvm")
    {
        ArgumentNullException.ThrowIfNull(root);
        var result = root.Parse(args);

        // A usage error is a refusal of the failure contract: one line on standard error (never a
        // help page on standard output, which commands like allocate keep for data) and exit code 2.
        if (result.Errors.Count > 0)
        {
            var names = new List<string>();
            for (var command = result.CommandResult; command.Parent is System.CommandLine.Parsing.CommandResult parent; command = parent)
            {
                names.Insert(0, command.Command.Name);
            }

            string where = names.Count == 0 ? program : $"{program} {string.Join(' ', names)}";
            error.WriteLine($"{where}: {string.Join(" ", result.Errors.Select(e => e.Message))} (--help lists the options)");
            return Task.FromResult(Failures.FailureContract.ExitCode(Failures.FailureKind.Refused));
        }

        return result.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }
}
