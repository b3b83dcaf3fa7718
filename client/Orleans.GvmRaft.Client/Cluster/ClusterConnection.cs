using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.GvmRaft.Silo.Backends;

namespace Orleans.GvmRaft.Client.Cluster;

/// <summary>An Orleans client connected to a silo's gateway, or a silo hosted in this process.</summary>
public sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterConnection(IHost host)
    {
        _host = host;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>The grain factory to call.</summary>
    public IClusterClient Client { get; }

    /// <summary>The services of the host: a hosted silo's own, or the client's.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Connects to the cluster <paramref name="target"/> names.</summary>
    /// <exception cref="ClusterUnavailableException">No silo of that cluster answered.</exception>
    /// <exception cref="ClientSettingsException">The TLS settings or the connection string are unusable.</exception>
    public static async Task<ClusterConnection> ConnectAsync(ClusterTarget target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var (clustering, gatewayPort, clusterId, serviceId, configuration, tls, responseTimeout) = target;
        ClusterCertificates? certificates;
        string? connection;
        try
        {
            certificates = LoadTls(tls);

            // Read now, so a missing one is a line naming the variable rather than a stack trace.
            connection = clustering switch
            {
                ClusteringKind.PostgreSql => ConnectionStrings.PostgreSql(configuration),
                ClusteringKind.Redis => ConnectionStrings.Redis(configuration),
                ClusteringKind.AzureTable => ConnectionStrings.AzureStorage(configuration),
                _ => null,
            };
        }
        catch (OptionsValidationException e)
        {
            throw new ClientSettingsException($"cannot connect to cluster '{clusterId}': {string.Join(" ", e.Failures)}", e);
        }

        // Parsed here, so that a malformed one is a line naming the variable rather than a stack trace.
        TableServiceClient? tables = null;
        StackExchange.Redis.ConfigurationOptions? redis = null;
        try
        {
            tables = clustering == ClusteringKind.AzureTable ? new TableServiceClient(connection) : null;
            redis = clustering == ClusteringKind.Redis ? StackExchange.Redis.ConfigurationOptions.Parse(connection!) : null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new ClientSettingsException(
                $"cannot connect to cluster '{clusterId}': ConnectionStrings__{(clustering == ClusteringKind.Redis ? "Redis" : "AzureStorage")} is not a connection string its client accepts ({e.GetType().Name}).", e);
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            switch (clustering)
            {
                case ClusteringKind.PostgreSql:
                    client.UseAdoNetClustering(o =>
                    {
                        o.Invariant = ConnectionStrings.PostgreSqlInvariant;
                        o.ConnectionString = connection;
                    });
                    break;
                case ClusteringKind.Redis:
                    client.UseRedisClustering(o => o.ConfigurationOptions = redis);
                    break;
                case ClusteringKind.AzureTable:
                    client.UseAzureStorageClustering(o => o.TableServiceClient = tables!);
                    break;
                default:
                    client.UseLocalhostClustering(gatewayPort, serviceId, clusterId);
                    break;
            }

            client.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = clusterId;
                o.ServiceId = serviceId;
            });
            if (certificates is not null)
            {
                client.UseTls(o => ClusterTls.Configure(o, certificates));
            }

            if (responseTimeout is { } response)
            {
                client.Configure<Orleans.Configuration.ClientMessagingOptions>(o => o.ResponseTimeout = response);
            }

            client.UseConnectionRetryFilter(new DeadlineRetryFilter(timeout));
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await StopQuietlyAsync(host);
            throw;
        }
        catch (Exception e)
        {
            // Stop what the client started (its gateway connection attempts) before letting go of it.
            await StopQuietlyAsync(host);
            string where = clustering == ClusteringKind.Localhost ? $"on 127.0.0.1:{gatewayPort}" : $"through the {clustering} membership table";

            // A gateway that refuses the TLS handshake just closes the connection, so the client
            // cannot tell that from a silo that is down: say what to check either way.
            string tlsHint = certificates is null
                ? " If the cluster uses TLS, pass --tls-cert, --tls-key and --tls-ca."
                : " If a silo is up, it refused this client's certificate: --tls-cert must be issued by the cluster's CA, and --tls-ca must be that CA.";
            throw new ClusterUnavailableException(
                $"no silo of cluster '{clusterId}' answered {where} ({e.Message.TrimEnd('.')}). " +
                "Start one with 'dotnet run --project silo/Orleans.GvmRaft.Silo', or pass --gateway-port / --clustering." + tlsHint,
                e);
        }

        return new ClusterConnection(host);
    }

    // The client's certificates (Load validates them), or none; TLS settings without a certificate
    // are checked too: --tls-ca alone must not quietly connect in the clear.
    private static ClusterCertificates? LoadTls(ClusterTlsOptions? tls)
    {
        if (tls is null)
        {
            return null;
        }

        if (tls.Enabled)
        {
            return ClusterCertificates.Load(tls, ClientSetting);
        }

        var errors = tls.Validate(ClientSetting).ToList();
        return errors.Count == 0 ? null : throw new OptionsValidationException("--tls", typeof(ClusterTlsOptions), errors);
    }

    // The client's names for the TLS settings, as the user typed them.
    private static string ClientSetting(string property) => property switch
    {
        nameof(ClusterTlsOptions.CertificatePath) => "--tls-cert",
        nameof(ClusterTlsOptions.KeyPath) => "--tls-key",
        nameof(ClusterTlsOptions.CaPath) => "--tls-ca",
        nameof(ClusterTlsOptions.Password) => "GVM_TLS_PASSWORD",
        _ => $"--tls ({property})",
    };

    private static async Task StopQuietlyAsync(IHost host)
    {
        try
        {
            await host.StopAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // The connection's failure is the one to report.
        }
        finally
        {
            host.Dispose();
        }
    }

    /// <summary>Wraps a started host that runs a silo in this process.</summary>
    public static ClusterConnection ForHostedSilo(IHost host) => new(host);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _host.StopAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            _host.Dispose();
        }
    }
}
