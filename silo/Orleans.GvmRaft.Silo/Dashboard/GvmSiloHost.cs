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
        var probe = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
        var dashboard = probe.GetSection(GvmDashboardOptions.SectionName).Get<GvmDashboardOptions>() ?? new GvmDashboardOptions();
        var errors = dashboard.Validate().ToList();
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
}
