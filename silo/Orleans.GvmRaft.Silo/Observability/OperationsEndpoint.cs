using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Orleans.GvmRaft.Telemetry;

namespace Orleans.GvmRaft.Silo.Observability;

/// <summary>
/// <c>/metrics</c> (OpenTelemetry's Prometheus exporter over <see cref="GvmMetrics"/> and Orleans'
/// own meter), <c>/healthz</c> (liveness: the process answers) and <c>/readyz</c>
/// (<see cref="SiloReadinessCheck"/>), served on <c>Gvm:Metrics:Port</c> only.
/// </summary>
public static class OperationsEndpoint
{
    /// <summary>The paths served on the operations port.</summary>
    public static readonly string[] Paths = ["/metrics", "/healthz", "/readyz"];

    private const string Ready = "ready";

    /// <summary>Registers the meters, the exporter and the checks.</summary>
    public static IServiceCollection AddGvmOperations(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(GvmMetrics.MeterName, "Microsoft.Orleans")
            .AddPrometheusExporter());
        services.AddHealthChecks().AddCheck<SiloReadinessCheck>("silo", tags: [Ready]);
        return services;
    }

    /// <summary>
    /// Keeps the two ports apart by the port a request came in on (which, unlike the Host header,
    /// a caller cannot choose): the operations paths answer on <paramref name="port"/> only, and
    /// nothing else (the dashboard) does there. Call before any endpoint is mapped.
    /// </summary>
    public static void UseOperationsPort(this WebApplication app, int port) =>
        app.Use((context, next) =>
        {
            bool operationsPort = context.Connection.LocalPort == port;
            bool operationsPath = Paths.Any(p => context.Request.Path.Equals(p, StringComparison.Ordinal));
            if (operationsPort != operationsPath)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });

    /// <summary>Maps the three paths.</summary>
    public static void MapGvmOperations(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready) });
    }
}
