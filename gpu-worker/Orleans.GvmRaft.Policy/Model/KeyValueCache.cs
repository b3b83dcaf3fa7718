using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Model;

/// <summary>
/// Keys and values of every layer for a batch, preallocated to the longest sequence so that a
/// decoding step writes one position instead of concatenating the whole history again.
/// </summary>
public sealed class KeyValueCache : IDisposable
{
    private readonly Tensor[] _keys;
    private readonly Tensor[] _values;

    /// <summary>Allocates room for <paramref name="capacity"/> positions of <paramref name="batch"/> sequences.</summary>
    public KeyValueCache(DecoderConfig config, long batch, long capacity, ScalarType dtype, Device device)
    {
        Capacity = capacity;
        _keys = new Tensor[config.Layers];
        _values = new Tensor[config.Layers];
        for (int i = 0; i < config.Layers; i++)
        {
            _keys[i] = zeros([batch, config.KeyValueHeads, capacity, config.HeadDim], dtype, device);
            _values[i] = zeros([batch, config.KeyValueHeads, capacity, config.HeadDim], dtype, device);
        }
    }

    /// <summary>Positions the cache can hold.</summary>
    public long Capacity { get; }

    /// <summary>Positions filled so far; the next step writes at this offset.</summary>
    public long Length { get; private set; }

    /// <summary>Writes a step's keys and values (B, KVH, T, D) for one layer and returns everything cached so far.</summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        long steps = keys.shape[2];
        if (Length + steps > Capacity)
        {
            throw new InvalidOperationException($"key-value cache full: {Length} + {steps} positions exceed its {Capacity}.");
        }

        _keys[layer].narrow(2, Length, steps).copy_(keys);
        _values[layer].narrow(2, Length, steps).copy_(values);
        return (_keys[layer].narrow(2, 0, Length + steps), _values[layer].narrow(2, 0, Length + steps));
    }

    /// <summary>Marks <paramref name="steps"/> more positions filled, after every layer has appended them.</summary>
    public void Advance(long steps) => Length += steps;

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _keys.Concat(_values))
        {
            t.Dispose();
        }
    }
}
