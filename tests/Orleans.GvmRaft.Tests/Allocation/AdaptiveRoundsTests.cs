using Orleans.GvmRaft.Allocation;

namespace Orleans.GvmRaft.Tests.Allocation;

public sealed class AdaptiveRoundsTests
{
    [Theory]
    [InlineData(8, 0, true)] // nothing accepted: still looking for signal
    [InlineData(8, 1, false)] // one accepted, seven rejected: both kinds seen
    [InlineData(8, 7, false)]
    [InlineData(3, 3, true)] // all accepted, fewer than k = 4
    [InlineData(4, 4, false)] // k accepted is enough on its own
    [InlineData(0, 0, true)] // not drawn at all (stage 1 skipped by reuse)
    public void APromptLeavesOnceItHasBothKindsOrKAccepted(int drawn, int accepted, bool active) =>
        Assert.Equal(active, AdaptiveRounds.IsActive(drawn, accepted, enoughAccepted: 4));

    [Fact]
    public void ARoundGivesEachActivePromptAFullRoundWhenTheBudgetAllows()
    {
        // Prompts 1 and 3 have their signal; 0 (all rejected) and 2 (two of two accepted, k = 4) do not.
        int[] round = AdaptiveRounds.NextRound([8, 8, 2, 8], [0, 3, 2, 1], remaining: 100, roundSamples: 8, enoughAccepted: 4);
        Assert.Equal([8, 0, 8, 0], round);
    }

    [Fact]
    public void AShortBudgetIsSpreadEvenlyWithTheRemainderToTheLeastDrawn()
    {
        // 3 active prompts, 7 left: 2 each and one more to the least drawn (prompt 2, 4 drawn).
        int[] round = AdaptiveRounds.NextRound([8, 8, 4], [0, 0, 0], remaining: 7, roundSamples: 8, enoughAccepted: 4);
        Assert.Equal([2, 2, 3], round);
        Assert.Equal(7, round.Sum());

        // Fewer samples left than active prompts: one apiece to the least drawn, ties by position.
        Assert.Equal([1, 0, 1], AdaptiveRounds.NextRound([8, 8, 4], [0, 0, 0], remaining: 2, roundSamples: 8, enoughAccepted: 4));
    }

    [Fact]
    public void SamplingEndsWhenNoPromptIsActiveOrNoBudgetIsLeft()
    {
        Assert.All(AdaptiveRounds.NextRound([8, 8], [4, 1], remaining: 50, roundSamples: 8, enoughAccepted: 4), n => Assert.Equal(0, n));
        Assert.All(AdaptiveRounds.NextRound([8, 8], [0, 0], remaining: 0, roundSamples: 8, enoughAccepted: 4), n => Assert.Equal(0, n));
    }

    [Fact]
    public void RoundsDrivenToTheEndNeverSpendMoreThanTheBudget()
    {
        // A simulated iteration: prompt i accepts with probability p_i; rounds go on until the
        // allocator stops. The budget is never exceeded, every prompt that ends active had the
        // budget run out, and every prompt that left had its signal.
        var random = new Random(7);
        double[] p = [0, 0.02, 0.1, 0.5, 0.9, 1, 1, 0.3];
        int[] drawn = new int[p.Length];
        int[] accepted = new int[p.Length];
        int budget = 120, spent = 0, rounds = 0;
        while (true)
        {
            int[] round = AdaptiveRounds.NextRound(drawn, accepted, budget - spent, roundSamples: 8, enoughAccepted: 4);
            if (round.Sum() == 0)
            {
                break;
            }

            rounds++;
            for (int i = 0; i < p.Length; i++)
            {
                for (int k = 0; k < round[i]; k++)
                {
                    drawn[i]++;
                    accepted[i] += random.NextDouble() < p[i] ? 1 : 0;
                }
            }

            spent += round.Sum();
            Assert.True(spent <= budget, $"round {rounds} spent {spent} of {budget}");
        }

        bool anyActive = Enumerable.Range(0, p.Length).Any(i => AdaptiveRounds.IsActive(drawn[i], accepted[i], 4));
        Assert.True(!anyActive || spent == budget, "sampling stopped with budget left while a prompt was still active");
        Assert.True(drawn[0] > drawn[5], "the prompt that never succeeds should be drawn more than one that always does");
        // Always accepted: its first round of 8 gives k = 4 and more, so it leaves after one round.
        Assert.Equal(8, drawn[5]);
    }
}
