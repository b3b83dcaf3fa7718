using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Orleans.GvmRaft.Silo.Dashboard;

/// <summary>
/// Builds the host of a silo process: a plain host, or — with <c>Gvm:Dashboard:Enabled</c> — a
/// web host that also serves the Orleans dashboard on <c>Gvm:Dashboard:Address:Port</c>.
/// </summary>
public static class GvmSiloHost
{
    /// <summary>Builds the host from <paramref name="args"/>; <paramref name="role"/> and <paramref name="configure"/> as for <c>AddGvmSilo</c>.</summary>
    public static IHost Build(string[] args, string? role = null, Action<ISiloBuilder, IConfiguration>? configure = null)
    {
        RefuseSecretsOnTheCommandLine(args);
        var probe = new ConfigurationBuilder().AddJsonFile("appsettings.json", optional: true).AddEnvironmentVariables().AddCommandLine(args).Build();
        var dashboard = probe.GetSection(GvmDashboardOptions.SectionName).Get<GvmDashboardOptions>() ?? new GvmDashboardOptions();
        var errors = dashboard.Validate().ToList();

        // The dashboard has no login and TLS does not cover it: beyond loopback only when someone
        // wrote that down (Kestrel's own endpoint settings would override the address, so they count as beyond).
        bool beyondLoopback = !IPAddress.TryParse(dashboard.Address, out var address) || !IPAddress.IsLoopback(address) || probe.GetSection("Kestrel:Endpoints").Exists();
        if (dashboard.Enabled && errors.Count == 0 && beyondLoopback && !probe.GetValue<bool>("Gvm:Silo:AllowInsecure"))
        {
            errors.Add($"{GvmDashboardOptions.SectionName}:Address {dashboard.Address} would show the cluster's grains and silos to anyone on the network (the dashboard has no login): " +
                "keep it on loopback and reach it through an SSH tunnel or kubectl port-forward, or set Gvm:Silo:AllowInsecure=true to accept that.");
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(GvmDashboardOptions.SectionName, typeof(GvmDashboardOptions), errors);
        }

        if (!dashboard.Enabled)
        {
            var builder = Host.CreateApplicationBuilder(args);
            builder.AddGvmSilo(role, silo => configure?.Invoke(silo, builder.Configuration));
            return builder.Build();
        }

        var web = WebApplication.CreateBuilder(args);
        web.WebHost.UseUrls($"http://{dashboard.Address}:{dashboard.Port}");
        web.AddGvmSilo(role, silo =>
        {
            silo.AddDashboard();
            configure?.Invoke(silo, web.Configuration);
        });
        var app = web.Build();
        app.MapOrleansDashboard();
        return app;
    }

    // Other users of the machine can read a process's command line (ps): connection strings and
    // certificate passwords come from configuration files or the environment only.
    private static void RefuseSecretsOnTheCommandLine(string[] args)
    {
        var secrets = args.Where(a => a.Contains("ConnectionStrings:", StringComparison.OrdinalIgnoreCase)
                || a.Contains("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
                || a.Split('=')[0].EndsWith("Tls:Password", StringComparison.OrdinalIgnoreCase))
            .Select(a => a.Split('=')[0].TrimStart('-', '/'))
            .ToList();
        if (secrets.Count > 0)
        {
            throw new OptionsValidationException("command line", typeof(GvmSiloHost),
                [$"{string.Join(", ", secrets)} must not be given on the command line, where other users of the machine can read it: set it in the environment ({secrets[0].Replace(":", "__", StringComparison.Ordinal)}) or appsettings.json."]);
        }
    }
}
