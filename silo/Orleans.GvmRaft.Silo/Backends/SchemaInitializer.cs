using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Orleans.GvmRaft.Silo.Backends;

/// <summary>Applies the SQL schema before the silo starts (it is registered before Orleans, so it runs first).</summary>
public sealed class SchemaInitializer(GvmSiloOptions options, IConfiguration configuration) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) =>
        options.ApplySchema ? GvmBackends.ApplySchemaAsync(options, configuration, cancellationToken) : Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
