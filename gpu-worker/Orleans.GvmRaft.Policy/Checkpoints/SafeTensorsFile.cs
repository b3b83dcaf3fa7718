using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Checkpoints;

/// <summary>
/// The safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw little-endian data.
/// </summary>
public static class SafeTensorsFile
{
    /// <summary>Reads every tensor of one file onto the CPU, keeping its stored dtype.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
        if (headerLength <= 0 || headerLength > 100_000_000 || 8 + headerLength > stream.Length)
        {
            throw new InvalidDataException($"{path}: not a safetensors file (header length {headerLength}).");
        }

        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        var header = JsonNode.Parse(headerBytes)?.AsObject() ?? throw new InvalidDataException($"{path}: header is not a JSON object.");
        long dataStart = 8 + headerLength;
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                continue;
            }

            var entry = node!.AsObject();
            var dtype = ParseDType(entry["dtype"]!.GetValue<string>(), path, name);
            long[] shape = [.. entry["shape"]!.AsArray().Select(n => n!.GetValue<long>())];
            var offsets = entry["data_offsets"]!.AsArray();
            long begin = offsets[0]!.GetValue<long>(), end = offsets[1]!.GetValue<long>();
            long elements = shape.Aggregate(1L, (a, b) => a * b);
            if (end - begin != elements * ElementSize(dtype) || dataStart + end > stream.Length)
            {
                throw new InvalidDataException($"{path}: tensor '{name}' has {end - begin} bytes for shape [{string.Join(", ", shape)}].");
            }

            var bytes = new byte[end - begin];
            stream.Position = dataStart + begin;
            stream.ReadExactly(bytes);
            var loaded = empty(shape, dtype);
            loaded.bytes = bytes;
            tensors[name] = loaded;
        }

        return tensors;
    }

    /// <summary>Writes <paramref name="tensors"/> to one file, names sorted, header padded to 8 bytes.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors.OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            using var cpu = tensor.detach().cpu().contiguous();
            byte[] data = cpu.bytes.ToArray();
            header[name] = new JsonObject
            {
                ["dtype"] = FormatDType(cpu.dtype, name),
                ["shape"] = new JsonArray([.. cpu.shape.Select(d => (JsonNode?)d)]),
                ["data_offsets"] = new JsonArray(offset, offset + data.Length),
            };
            blobs.Add(data);
            offset += data.Length;
        }

        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
        int padded = (json.Length + 7) / 8 * 8;
        string temporary = path + ".partial";
        using (var stream = File.Create(temporary))
        {
            Span<byte> lengthBytes = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(lengthBytes, padded);
            stream.Write(lengthBytes);
            stream.Write(json);
            for (int i = json.Length; i < padded; i++)
            {
                stream.WriteByte((byte)' ');
            }

            foreach (var blob in blobs)
            {
                stream.Write(blob);
            }
        }

        // A reader never sees a half-written checkpoint.
        File.Move(temporary, path, overwrite: true);
    }

    private static ScalarType ParseDType(string dtype, string path, string name) => dtype switch
    {
        "F32" => ScalarType.Float32,
        "BF16" => ScalarType.BFloat16,
        "F16" => ScalarType.Float16,
        "F64" => ScalarType.Float64,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        _ => throw new InvalidDataException($"{path}: tensor '{name}' has unsupported dtype {dtype}."),
    };

    private static string FormatDType(ScalarType dtype, string name) => dtype switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Float16 => "F16",
        ScalarType.Float64 => "F64",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        _ => throw new ArgumentException($"tensor '{name}' has dtype {dtype}, which safetensors output does not support here."),
    };

    private static int ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.BFloat16 or ScalarType.Float16 => 2,
        _ => 8,
    };
}
