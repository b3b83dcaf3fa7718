using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Orleans.GvmRaft.Silo.Observability;

namespace Orleans.GvmRaft.Silo.Dashboard;

/// <summary>
/// Builds the host of a silo process: a plain host, or — with <c>Gvm:Dashboard:Enabled</c> or
/// <c>Gvm:Metrics:Enabled</c> — a web host that also serves the Orleans dashboard on
/// <c>Gvm:Dashboard:Address:Port</c> and the metrics and probes on <c>Gvm:Metrics:Address:Port</c>.
/// </summary>
public static class GvmSiloHost
{
    /// <summary>Builds the host from <paramref name="args"/>; <paramref name="role"/> and <paramref name="configure"/> as for <c>AddGvmSilo</c>.</summary>
    public static IHost Build(string[] args, string? role = null, Action<ISiloBuilder, IConfiguration>? configure = null)
    {
        RefuseSecretsOnTheCommandLine(args);
        var probe = new ConfigurationBuilder().AddJsonFile("appsettings.json", optional: true).AddEnvironmentVariables().AddCommandLine(args).Build();
        var dashboard = probe.GetSection(GvmDashboardOptions.SectionName).Get<GvmDashboardOptions>() ?? new GvmDashboardOptions();
        var metrics = probe.GetSection(GvmMetricsOptions.SectionName).Get<GvmMetricsOptions>() ?? new GvmMetricsOptions();
        var errors = dashboard.Validate().Concat(metrics.Validate()).ToList();

        // The dashboard has no login and TLS does not cover it: beyond loopback only when someone
        // wrote that down (Kestrel's own endpoint settings would override the address, so they count as beyond).
        bool beyondLoopback = !IPAddress.TryParse(dashboard.Address, out var address) || !IPAddress.IsLoopback(address) || probe.GetSection("Kestrel:Endpoints").Exists();
        if (dashboard.Enabled && errors.Count == 0 && beyondLoopback && !probe.GetValue<bool>("Gvm:Silo:AllowInsecure"))
        {
            errors.Add($"{GvmDashboardOptions.SectionName}:Address {dashboard.Address} would show the cluster's grains and silos to anyone on the network (the dashboard has no login): " +
                "keep it on loopback and reach it through an SSH tunnel or kubectl port-forward, or set Gvm:Silo:AllowInsecure=true to accept that.");
        }

        if (dashboard.Enabled && metrics.Enabled && dashboard.Port == metrics.Port)
        {
            errors.Add($"{GvmDashboardOptions.SectionName}:Port and {GvmMetricsOptions.SectionName}:Port must differ (both {metrics.Port}).");
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(GvmDashboardOptions.SectionName, typeof(GvmDashboardOptions), errors);
        }

        if (!dashboard.Enabled && !metrics.Enabled)
        {
            var builder = Host.CreateApplicationBuilder(args);
            builder.AddGvmSilo(role, silo => configure?.Invoke(silo, builder.Configuration));
            return builder.Build();
        }

        var web = WebApplication.CreateBuilder(args);
        var urls = new List<string>();
        if (dashboard.Enabled)
        {
            urls.Add(Url(dashboard.Address, dashboard.Port));
        }

        if (metrics.Enabled)
        {
            urls.Add(Url(metrics.Address, metrics.Port));
            web.Services.AddGvmOperations();
        }

        web.WebHost.UseUrls([.. urls]);
        web.AddGvmSilo(role, silo =>
        {
            if (dashboard.Enabled)
            {
                silo.AddDashboard();
            }

            configure?.Invoke(silo, web.Configuration);
        });
        var app = web.Build();
        if (metrics.Enabled)
        {
            app.UseOperationsPort(metrics.Port);
            app.MapGvmOperations();
        }

        if (dashboard.Enabled)
        {
            app.MapOrleansDashboard();
        }

        return app;
    }

    private static string Url(string address, int port) =>
        $"http://{(IPAddress.Parse(address).AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address)}:{port}";

    // Other users of the machine can read a process's command line (ps): passwords, keys and
    // tokens come from configuration files or the environment only.
    private static void RefuseSecretsOnTheCommandLine(string[] args)
    {
        var secrets = CommandLineSecrets.Find(args);
        if (secrets.Count > 0)
        {
            throw new OptionsValidationException("command line", typeof(GvmSiloHost),
                [$"{string.Join(", ", secrets)} must not be given on the command line, where other users of the machine can read it: set it in the environment ({secrets[0].Replace(":", "__", StringComparison.Ordinal)}) or appsettings.json."]);
        }
    }
}
