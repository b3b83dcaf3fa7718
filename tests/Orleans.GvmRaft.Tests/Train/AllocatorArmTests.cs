using Orleans.GvmRaft.Embedded.Train;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Tests.Train;

public sealed class AllocatorArmTests
{
    [Fact]
    public void ArmsAreFoundByNameAndUnknownNamesAreRefusedWithTheChoices()
    {
        Assert.Equal(["uniform", "uniform-chunk", "gvm", "gvm-chunk", "knapsack", "greso", "gvm-history", "gvm-history-lineage", "ada", "dapo"], AllocatorArm.All.Select(a => a.Name));
        Assert.Equal("gvm-chunk", AllocatorArm.Parse(" GVM-Chunk ").Name);
        var e = Assert.Throws<ArgumentException>(() => AllocatorArm.Parse("gvn"));
        Assert.Contains("gvn", e.Message, StringComparison.Ordinal);
        Assert.Contains("uniform, uniform-chunk, gvm, gvm-chunk, knapsack, greso, gvm-history, gvm-history-lineage, ada, dapo", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EachArmIsAValidConfigurationOfThePreset()
    {
        var preset = new TrainSettings();
        foreach (var arm in AllocatorArm.All)
        {
            var settings = arm.Apply(preset);
            settings.Validate();
            Assert.Equal(arm.Name == "dapo" ? TrainingAlgorithm.Grpo : TrainingAlgorithm.RaftPlusPlus, settings.Algorithm);
        }
    }

    [Fact]
    public void TheChunkArmDrawsTheSameRolloutsInChunksAndDapoGroupsHoldTheUniformShare()
    {
        // B = 64, n0 = 8, N = 512, 24 iterations: chunks of 128 prompts with N = 1024, 12 iterations,
        // the same 24 · 1,024 rollouts; an evaluation per chunk, every 2,048 rollouts. The uniform
        // chunk arm has the same structure, only the allocator differs.
        var preset = new TrainSettings(BatchSize: 64, Stage1Samples: 8, Budget: 512, Iterations: 24);
        var chunk = AllocatorArm.Parse("gvm-chunk").Apply(preset);
        Assert.Equal((128, 1024, 12, AllocatorKind.Gvm), (chunk.BatchSize, chunk.Budget, chunk.Iterations, chunk.Allocator));
        Assert.Equal(preset.TotalRollouts, chunk.TotalRollouts);
        Assert.Equal(2048, chunk.TotalRollouts / chunk.Iterations);
        var uniformChunk = AllocatorArm.Parse("uniform-chunk").Apply(preset);
        Assert.Equal(chunk with { Allocator = AllocatorKind.Uniform }, uniformChunk);

        var dapo = AllocatorArm.Parse("dapo").Apply(preset);
        Assert.Equal((16, 512, AllocatorKind.Dapo), (dapo.Stage1Samples, dapo.Budget, dapo.Allocator));
    }

    [Fact]
    public void AChunkArmRunsWhatTheFlagsSayAndRescalesOnlyTheDefaults()
    {
        var preset = new TrainSettings(BatchSize: 64, Stage1Samples: 8, Budget: 512, Iterations: 24);
        var gvmChunk = AllocatorArm.Parse("gvm-chunk");

        // --iterations 3 once ran max(1, 3 / 2) = 1 iteration; now it runs 3 chunks of 128 prompts.
        var given = gvmChunk.ApplyKeeping(preset with { Iterations = 3 }, iterations: 3);
        Assert.Equal((128, 1024, 3), (given.BatchSize, given.Budget, given.Iterations));

        // Explicit B and N are kept too; nothing given is the plain arm.
        var all = gvmChunk.ApplyKeeping(preset, iterations: 5, batchSize: 32, budget: 256, evalEvery: 2);
        Assert.Equal((32, 256, 5, 2, AllocatorKind.Gvm), (all.BatchSize, all.Budget, all.Iterations, all.EvalEvery, all.Allocator));
        Assert.Equal(gvmChunk.Apply(preset), gvmChunk.ApplyKeeping(preset));
    }

    [Fact]
    public void ARolloutBudgetEndsTheRunByRolloutsWithIterationsOnlyAsACap()
    {
        var limited = new TrainSettings(BatchSize: 64).WithRolloutBudget(24_576);
        Assert.Equal((24_576L, 384), (limited.MaxRollouts, limited.Iterations));
        Assert.Equal(24_576L, limited.ToRunConfig().MaxRollouts);
    }
}
