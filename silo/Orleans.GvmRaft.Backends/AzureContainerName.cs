using System.Security.Cryptography;
using System.Text;

namespace Orleans.GvmRaft.Silo.Backends;

/// <summary>
/// Blob container names of one service: the blob stores name a blob by grain or run alone, so two
/// services sharing a storage account (staging and production, say) need containers of their own.
/// </summary>
public static class AzureContainerName
{
    /// <summary>The prefix of the containers of grain state.</summary>
    public const string GrainState = "gvm-state";

    /// <summary>The prefix of the containers of policy versions (neither prefix starts the other).</summary>
    public const string Checkpoints = "gvm-ckpt";

    /// <summary>
    /// <paramref name="prefix"/>-<paramref name="serviceId"/> as a valid container name (3-63
    /// characters, lowercase letters, digits and single hyphens). A service id that had to be
    /// changed to fit (case, other characters, length) gets 8 hex digits of its SHA-256 appended,
    /// so that two ids never share a container.
    /// </summary>
    public static string For(string prefix, string serviceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        ArgumentNullException.ThrowIfNull(serviceId);
        var name = new StringBuilder();
        foreach (char c in serviceId)
        {
            char next = char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) ? c : '-';
            if (next != '-' || (name.Length > 0 && name[^1] != '-'))
            {
                name.Append(next);
            }
        }

        string id = name.ToString().TrimEnd('-');
        int room = 63 - prefix.Length - 1 - 9;
        if (id.Length == 0 || id != serviceId || id.Length > room + 9)
        {
            string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(serviceId)))[..8];
            id = id.Length > room ? id[..room].TrimEnd('-') : id;
            id = id.Length == 0 ? hash : $"{id}-{hash}";
        }

        return $"{prefix}-{id}";
    }
}
