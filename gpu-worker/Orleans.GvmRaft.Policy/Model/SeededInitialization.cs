using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Model;

/// <summary>
/// Seeds libtorch's process-wide generator and initialises under one lock: module initialisation
/// reads that generator, so another thread seeding or drawing in between would give a model other
/// than the seed's (two runs warming up at once, a test beside a cluster).
/// </summary>
public static class SeededInitialization
{
    private static readonly Lock Gate = new();

    /// <summary>Runs <paramref name="initialise"/> right after <c>manual_seed(<paramref name="seed"/>)</c>, with no other seeded initialisation in between.</summary>
    public static T Run<T>(long seed, Func<T> initialise)
    {
        ArgumentNullException.ThrowIfNull(initialise);
        lock (Gate)
        {
            manual_seed(seed);
            return initialise();
        }
    }
}
