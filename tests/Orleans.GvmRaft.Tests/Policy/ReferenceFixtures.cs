using System.Text.Json;

namespace Orleans.GvmRaft.Tests.Policy;

/// <summary>
/// The Hugging Face reference checkpoints and outputs in <c>tests/reference-fixtures</c> (see its
/// README.md): logits, teacher-forced log-likelihoods and greedy continuations computed by transformers.
/// </summary>
public static class ReferenceFixtures
{
    /// <summary>The fixture folders.</summary>
    public static TheoryData<string> Names => new() { "qwen2-tiny", "qwen2-tiny-noisy" };

    /// <summary>One reference sequence.</summary>
    public sealed record Sequence(int[] InputIds, float[] LastLogits, double SumLogprobTeacherForced, int[] Greedy16, int[] Greedy16NocacheRecompute);

    /// <summary>The folder of fixture <paramref name="name"/>; fails if the fixtures are not there.</summary>
    public static string Folder(string name)
    {
        string folder = Path.Combine(RepositoryRoot(), "tests", "reference-fixtures", name);
        Assert.True(Directory.Exists(folder), $"reference fixtures not found at {folder}; they are part of the repository.");
        return folder;
    }

    /// <summary>The reference sequences of fixture <paramref name="name"/>.</summary>
    public static IReadOnlyList<Sequence> Sequences(string name)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder(name), "expected.json")));
        return [.. document.RootElement.GetProperty("sequences").EnumerateArray().Select(s => new Sequence(
            [.. s.GetProperty("input_ids").EnumerateArray().Select(v => v.GetInt32())],
            [.. s.GetProperty("last_logits").EnumerateArray().Select(v => v.GetSingle())],
            s.GetProperty("sum_logprob_teacher_forced").GetDouble(),
            [.. s.GetProperty("greedy_16").EnumerateArray().Select(v => v.GetInt32())],
            [.. s.GetProperty("greedy_16_nocache_recompute").EnumerateArray().Select(v => v.GetInt32())]))];
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.GvmRaft.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Orleans.GvmRaft.sln not found above the test binaries.");
    }
}
