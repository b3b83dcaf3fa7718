using Orleans.GvmRaft.Embedded.Train;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Tests.Train;

public sealed class AllocatorArmTests
{
    [Fact]
    public void ArmsAreFoundByNameAndUnknownNamesAreRefusedWithTheChoices()
    {
        Assert.Equal(["uniform", "gvm", "gvm-chunk", "gvm-reuse", "ada", "dapo"], AllocatorArm.All.Select(a => a.Name));
        Assert.Equal("gvm-chunk", AllocatorArm.Parse(" GVM-Chunk ").Name);
        var e = Assert.Throws<ArgumentException>(() => AllocatorArm.Parse("gvn"));
        Assert.Contains("gvn", e.Message, StringComparison.Ordinal);
        Assert.Contains("uniform, gvm, gvm-chunk, gvm-reuse, ada, dapo", e.Message, StringComparison.Ordinal);
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
        // B = 64, n0 = 8, N = 512, 24 iterations: chunks of 512 prompts with N = 4096, 3 iterations,
        // the same 24 · 1,024 rollouts.
        var preset = new TrainSettings(BatchSize: 64, Stage1Samples: 8, Budget: 512, Iterations: 24);
        var chunk = AllocatorArm.Parse("gvm-chunk").Apply(preset);
        Assert.Equal((512, 4096, 3, AllocatorKind.Gvm), (chunk.BatchSize, chunk.Budget, chunk.Iterations, chunk.Allocator));
        Assert.Equal(preset.TotalRollouts, chunk.TotalRollouts);

        var dapo = AllocatorArm.Parse("dapo").Apply(preset);
        Assert.Equal((16, 512, AllocatorKind.Dapo), (dapo.Stage1Samples, dapo.Budget, dapo.Allocator));
    }

    [Fact]
    public void ARolloutBudgetEndsTheRunByRolloutsWithIterationsOnlyAsACap()
    {
        var limited = new TrainSettings(BatchSize: 64).WithRolloutBudget(24_576);
        Assert.Equal((24_576L, 384), (limited.MaxRollouts, limited.Iterations));
        Assert.Equal(24_576L, limited.ToRunConfig().MaxRollouts);
    }
}
