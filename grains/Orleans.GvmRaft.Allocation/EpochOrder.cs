namespace Orleans.GvmRaft.Allocation;

/// <summary>
/// The epoch sampler's batches: epoch e visits every index of [0, size) once, in an order seeded by
/// (seed, e), and iteration t takes the next B of them; an epoch's last batch is short when B does
/// not divide the size, so no epoch skips or repeats a prompt.
/// </summary>
/// <remarks>
/// The order is a keyed permutation (a four-round Feistel network over the next even power of two,
/// walked back into range), so a batch costs O(B) time and memory however large the set: nothing
/// the size of the set is shuffled or stored.
/// </remarks>
public static class EpochOrder
{
    private const int Rounds = 4;

    /// <summary>Batches per epoch: ⌈size / B⌉.</summary>
    public static long BatchesPerEpoch(long size, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return (size + batchSize - 1) / batchSize;
    }

    /// <summary>The epoch (from 0) iteration <paramref name="iteration"/> (from 1) falls in.</summary>
    public static long EpochOf(long size, int batchSize, int iteration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(iteration, 1);
        return (iteration - 1) / BatchesPerEpoch(size, batchSize);
    }

    /// <summary>The indices of iteration <paramref name="iteration"/>'s batch (from 1), in epoch order.</summary>
    public static long[] Batch(long size, int batchSize, ulong seed, int iteration)
    {
        long perEpoch = BatchesPerEpoch(size, batchSize);
        long epoch = EpochOf(size, batchSize, iteration);
        long first = ((iteration - 1) % perEpoch) * batchSize;
        long count = Math.Min(batchSize, size - first);
        var indices = new long[count];
        for (long j = 0; j < count; j++)
        {
            indices[j] = IndexAt(size, seed, epoch, first + j);
        }

        return indices;
    }

    /// <summary>The index at <paramref name="position"/> of epoch <paramref name="epoch"/>'s order of [0, size).</summary>
    public static long IndexAt(long size, ulong seed, long epoch, long position)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (position < 0 || position >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(position), $"position {position} is outside [0, {size}).");
        }

        int half = 1;
        while ((1L << (2 * half)) < size)
        {
            half++;
        }

        ulong key = SeedMix.Mix(seed, (ulong)epoch);
        long value = position;
        do
        {
            value = Permute(value, half, key);
        }
        while (value >= size);
        return value;
    }

    // A bijection of [0, 4^half): the Feistel network is invertible whatever its round function.
    private static long Permute(long value, int half, ulong key)
    {
        ulong mask = (1UL << half) - 1;
        ulong left = (ulong)value >> half;
        ulong right = (ulong)value & mask;
        for (int round = 0; round < Rounds; round++)
        {
            ulong next = left ^ (SeedMix.Mix(key + (ulong)round, right) & mask);
            left = right;
            right = next;
        }

        return (long)((left << half) | right);
    }
}
