using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.GvmRaft.Configuration;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;

namespace Orleans.GvmRaft.Silo;

/// <summary>Turns a .NET host into an Orleans.GvmRaft silo.</summary>
public static class GvmSiloHosting
{
    /// <summary>
    /// Adds the silo, configured from <c>Gvm:*</c>: localhost clustering and the chosen storage.
    /// Throws <see cref="OptionsValidationException"/> naming every invalid setting.
    /// </summary>
    public static IHostApplicationBuilder AddGvmSilo(this IHostApplicationBuilder builder)
    {
        var silo = ReadSiloOptions(builder.Configuration);
        builder.Services.AddGvmGrainServices(builder.Configuration);
        builder.UseOrleans(orleans =>
        {
            // Localhost clustering binds to loopback: nothing listens beyond this machine by default.
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, serviceId: silo.ServiceId, clusterId: silo.ClusterId);
            orleans.AddGvmStorage();
        });
        return builder;
    }

    /// <summary>The services the grains need: their validated options and a clock.</summary>
    public static IServiceCollection AddGvmGrainServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PromptGrainOptions>(configuration);
        services.AddValidatedOptions<CoordinatorOptions>(configuration);
        services.AddValidatedOptions<RolloutQueueOptions>(configuration);
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>The grain storage providers of the embedded default (in memory).</summary>
    public static ISiloBuilder AddGvmStorage(this ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(GvmStorage.Prompts);
        silo.AddMemoryGrainStorage(GvmStorage.Runs);
        return silo;
    }

    /// <summary>
    /// The silo options, validated now rather than at start: clustering needs the ports while the
    /// host is being built.
    /// </summary>
    public static GvmSiloOptions ReadSiloOptions(IConfiguration configuration)
    {
        var options = configuration.GetSection(GvmSiloOptions.SectionName).Get<GvmSiloOptions>() ?? new GvmSiloOptions();
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(GvmSiloOptions.SectionName, typeof(GvmSiloOptions), errors);
        }

        return options;
    }
}
