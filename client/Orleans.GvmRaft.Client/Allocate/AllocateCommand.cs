using System.CommandLine;
using System.Text.Encodings.Web;
using Orleans.GvmRaft.Allocation;
using Orleans.GvmRaft.Client.Input;

namespace Orleans.GvmRaft.Client.Allocate;

/// <summary><c>gvm allocate</c>: the GVM allocation (README: gvm allocate), offline, from a statistics file.</summary>
public static class AllocateCommand
{
    private static readonly JavaScriptEncoder IdEncoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var stats = new Option<string>("--stats")
        {
            Description = "JSONL file, one {\"id\", \"acceptRate\", \"gradNorm\"} object per line ('-' for standard input).",
            Required = true,
        };
        var budget = new Option<int>("--budget") { Description = "N, the total number of samples to allocate.", Required = true };
        var alpha = new Option<double>("--alpha")
        {
            Description = "α in w = G / sqrt(p + α / p^(β−1)).",
            DefaultValueFactory = _ => GvmAllocationOptions.DefaultAlpha,
        };
        var beta = new Option<double>("--beta") { Description = "β, as above.", DefaultValueFactory = _ => GvmAllocationOptions.DefaultBeta };
        var threshold = new Option<double>("--filter-threshold")
        {
            Description = "T: prompts with acceptRate > T get nothing (0 = off).",
        };
        var insufficient = new Option<double>("--filter-insufficient")
        {
            Description = "K: prompts expecting fewer than K accepted samples (p · r · N < K) get nothing (0 = off).",
        };
        var command = new Command("allocate", "Allocate a sampling budget over prompts from their acceptance rates and gradient norms; prints {\"id\", \"samples\"} JSONL.")
        {
            stats, budget, alpha, beta, threshold, insufficient,
        };
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            string path = result.GetValue(stats)!;
            int n = result.GetValue(budget);
            if (n < 0)
            {
                error.WriteLine($"gvm allocate: --budget must be >= 0 (got {n}).");
                return 2;
            }

            var options = new GvmAllocationOptions(result.GetValue(alpha), result.GetValue(beta), result.GetValue(threshold), result.GetValue(insufficient));
            try
            {
                options.Validate();
                PromptStatsFile file;
                using (var reader = JsonLines.Open(path))
                {
                    file = PromptStatsFile.Read(reader, path);
                }

                var allocation = GvmAllocator.Allocate(
                    System.Runtime.InteropServices.CollectionsMarshal.AsSpan(file.AcceptRates),
                    System.Runtime.InteropServices.CollectionsMarshal.AsSpan(file.GradNorms),
                    n,
                    options);
                if (allocation.Outcome == AllocationOutcome.UniformFallback && file.Ids.Count > 0)
                {
                    error.WriteLine("gvm allocate: no prompt has a positive weight after the filters; the budget is spread uniformly.");
                }

                Write(output, file.Ids, allocation.Samples);
                return 0;
            }
            catch (Exception e) when (e is InputFileException or ArgumentException or FileNotFoundException or IOException)
            {
                error.WriteLine($"gvm allocate: {e.Message}");
                return 2;
            }
        });
        return command;
    }

    private static void Write(TextWriter output, IReadOnlyList<string> ids, int[] samples)
    {
        var line = new System.Text.StringBuilder(64);
        for (int i = 0; i < ids.Count; i++)
        {
            line.Clear();
            line.Append("{\"id\":\"").Append(IdEncoder.Encode(ids[i])).Append("\",\"samples\":").Append(samples[i]).Append('}');
            output.WriteLine(line);
        }

        output.Flush();
    }
}
