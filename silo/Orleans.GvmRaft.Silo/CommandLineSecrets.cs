namespace Orleans.GvmRaft.Silo;

/// <summary>
/// Finds secrets among a process's command-line settings, which other users of the machine can
/// read (ps): a value holding a password, an account key, a shared access signature or a token,
/// whatever its setting, and any setting whose name ends in Password, Secret, Token or Key (ApiKey, AccountKey). A connection
/// string that is only a file path (<c>Data Source=state.db</c>) is not a secret.
/// </summary>
public static class CommandLineSecrets
{
    // Keys of connection strings (Npgsql, StackExchange.Redis, Azure Storage) whose values are secret.
    private static readonly string[] SecretParts = ["password=", "pwd=", "accountkey=", "sharedaccesssignature=", "sig=", "token="];
    private static readonly string[] SecretNames = ["password", "secret", "token", "key"];

    /// <summary>The settings in <paramref name="args"/> (as <c>--Key value</c>, <c>--Key=value</c> or <c>Key=value</c>) that hold a secret, by name.</summary>
    public static IReadOnlyList<string> Find(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var found = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            bool flag = arg.StartsWith("--", StringComparison.Ordinal) || arg.StartsWith('/');
            string key, value;
            if (equals > 0)
            {
                (key, value) = (arg[..equals], arg[(equals + 1)..]);
            }
            else if (flag && i + 1 < args.Length)
            {
                (key, value) = (arg, args[++i]);
            }
            else
            {
                continue;
            }

            key = key.TrimStart('-', '/');
            string name = key.Split(':', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? key;
            if (SecretNames.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase))
                || SecretParts.Any(p => value.Contains(p, StringComparison.OrdinalIgnoreCase)))
            {
                found.Add(key);
            }
        }

        return found;
    }
}
