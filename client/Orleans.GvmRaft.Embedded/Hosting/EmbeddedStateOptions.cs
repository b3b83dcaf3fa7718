using System.CommandLine;
using Orleans.GvmRaft.Silo.Backends;

namespace Orleans.GvmRaft.Embedded.Hosting;

/// <summary>The <c>--storage</c> and <c>--state-db</c> options of the commands that run an embedded silo.</summary>
public sealed class EmbeddedStateOptions
{
    private readonly Option<StorageKind> _storage = new("--storage")
    {
        Description = "Grain state: Sqlite (a file kept across runs, so prompt statistics accumulate), Memory, or PostgreSql / Redis / AzureTable / AzureBlob (connection string from ConnectionStrings__PostgreSql / ConnectionStrings__Redis / ConnectionStrings__AzureStorage).",
        DefaultValueFactory = _ => StorageKind.Sqlite,
    };

    private readonly Option<string> _path = new("--state-db")
    {
        Description = "The SQLite file of --storage Sqlite.",
        DefaultValueFactory = _ => EmbeddedState.DefaultPath,
    };

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_storage);
        command.Options.Add(_path);
    }

    /// <summary>The parsed choice, validated.</summary>
    public EmbeddedState Read(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var state = new EmbeddedState(result.GetValue(_storage), result.GetValue(_path)!);
        state.Validate();
        return state;
    }
}
