namespace Orleans.GvmRaft.Runs;

/// <summary>Calls many grains with at most a fixed number of calls in flight.</summary>
public static class BoundedFanOut
{
    /// <summary>Runs <paramref name="call"/> for every index in waves of <paramref name="maxConcurrent"/>, results in index order.</summary>
    public static async Task<T[]> RunAsync<T>(int count, int maxConcurrent, Func<int, Task<T>> call)
    {
        var results = new T[count];
        var wave = new Task<T>[Math.Min(count, maxConcurrent)];
        for (int start = 0; start < count; start += maxConcurrent)
        {
            int size = Math.Min(maxConcurrent, count - start);
            for (int j = 0; j < size; j++)
            {
                wave[j] = call(start + j);
            }

            for (int j = 0; j < size; j++)
            {
                results[start + j] = await wave[j];
            }
        }

        return results;
    }
}
