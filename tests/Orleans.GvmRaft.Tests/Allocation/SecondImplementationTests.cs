using System.Text.Json;
using Orleans.GvmRaft.Allocation;

namespace Orleans.GvmRaft.Tests.Allocation;

/// <summary>
/// Compares the allocator with a second implementation written independently in Python from the
/// specification (fixtures/gen_allocation_cases.py), over 400 random cases with filters, β ≠ 2 and
/// degenerate inputs.
/// </summary>
public sealed class SecondImplementationTests
{
    private static readonly Lazy<AllocationCase[]> Cases = new(() =>
        JsonSerializer.Deserialize<AllocationCase[]>(
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "allocation-cases.json")),
            new JsonSerializerOptions(JsonSerializerDefaults.Web))!);

    [Fact]
    public void MatchesThePythonImplementationOnEveryCase()
    {
        Assert.Equal(400, Cases.Value.Length);
        for (int i = 0; i < Cases.Value.Length; i++)
        {
            var c = Cases.Value[i];
            var options = new GvmAllocationOptions(c.Alpha, c.Beta, c.FilterThreshold, c.FilterInsufficient);
            var result = GvmAllocator.Allocate(c.AcceptRates, c.GradNorms, c.Budget, options);
            Assert.True(c.Samples.SequenceEqual(result.Samples), $"case {i}: expected [{string.Join(",", c.Samples)}], got [{string.Join(",", result.Samples)}]");
            Assert.Equal(c.Outcome, result.Outcome.ToString());
        }
    }
}
