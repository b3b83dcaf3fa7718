namespace Orleans.GvmRaft.Silo.Backends;

/// <summary>
/// Blob container names of one service: the blob stores name a blob by grain or run alone, so two
/// services sharing a storage account (staging and production, say) need containers of their own.
/// </summary>
public static class AzureContainerName
{
    /// <summary>
    /// <paramref name="prefix"/>-<paramref name="serviceId"/> as a valid container name: 3-63
    /// characters, lowercase letters, digits and single hyphens.
    /// </summary>
    public static string For(string prefix, string serviceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        ArgumentNullException.ThrowIfNull(serviceId);
        var name = new System.Text.StringBuilder();
        foreach (char c in $"{prefix}-{serviceId}".ToLowerInvariant())
        {
            char next = char.IsAsciiLetterOrDigit(c) ? c : '-';
            if (next != '-' || (name.Length > 0 && name[^1] != '-'))
            {
                name.Append(next);
            }
        }

        string container = name.ToString().TrimEnd('-');
        container = container.Length <= 63 ? container : container[..63].TrimEnd('-');
        return container.Length >= 3 ? container : container.PadRight(3, '0');
    }
}
