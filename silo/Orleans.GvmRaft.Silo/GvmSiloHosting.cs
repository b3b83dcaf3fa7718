using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.GvmRaft.Configuration;
using Orleans.GvmRaft.Placement;
using Orleans.GvmRaft.Prompts;
using Orleans.GvmRaft.Rollouts;
using Orleans.GvmRaft.Runs;
using Orleans.GvmRaft.Workers;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Orleans.GvmRaft.Silo;

/// <summary>Turns a .NET host into an Orleans.GvmRaft silo.</summary>
public static class GvmSiloHosting
{
    /// <summary>
    /// Adds the silo, configured from <c>Gvm:*</c>: localhost clustering and the chosen storage.
    /// <paramref name="role"/> (e.g. <c>worker</c>) is declared in the silo's metadata, beside any
    /// <c>Orleans:Metadata:*</c> settings; <paramref name="configure"/> adds more to the silo.
    /// Throws <see cref="OptionsValidationException"/> naming every invalid setting.
    /// </summary>
    public static IHostApplicationBuilder AddGvmSilo(this IHostApplicationBuilder builder, string? role = null, Action<ISiloBuilder>? configure = null)
    {
        var silo = ReadSiloOptions(builder.Configuration);
        builder.Services.AddGvmGrainServices(builder.Configuration);
        builder.UseOrleans(orleans =>
        {
            // Localhost clustering binds to loopback: nothing listens beyond this machine by default.
            var primary = silo.PrimarySiloPort == 0 ? null : new IPEndPoint(IPAddress.Loopback, silo.PrimarySiloPort);
            orleans.UseLocalhostClustering(silo.SiloPort, silo.GatewayPort, primary, silo.ServiceId, silo.ClusterId);
            orleans.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = silo.ResponseTimeout);
            orleans.AddGvmRuntime(SiloMetadata(builder.Configuration, role));
            orleans.AddGvmStorage();
            configure?.Invoke(orleans);
        });
        return builder;
    }

    /// <summary>
    /// What every silo of the cluster needs besides storage: silo metadata (the worker placement
    /// filter reads it on whichever silo places a grain) and reminders (they bring driven runs
    /// back after a silo dies).
    /// </summary>
    public static ISiloBuilder AddGvmRuntime(this ISiloBuilder silo, Dictionary<string, string> metadata)
    {
        silo.UseSiloMetadata(metadata);
        silo.UseInMemoryReminderService();
        return silo;
    }

    /// <summary>The silo's metadata: <c>Orleans:Metadata:*</c> from configuration, and the role when given.</summary>
    public static Dictionary<string, string> SiloMetadata(IConfiguration configuration, string? role)
    {
        var metadata = configuration.GetSection("Orleans:Metadata").Get<Dictionary<string, string>>() ?? [];
        if (role is not null)
        {
            metadata[WorkerRole.MetadataKey] = role;
        }

        return metadata;
    }

    /// <summary>The services the grains need: their validated options and a clock.</summary>
    public static IServiceCollection AddGvmGrainServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<PromptGrainOptions>(configuration);
        services.AddValidatedOptions<CoordinatorOptions>(configuration);
        services.AddValidatedOptions<RolloutQueueOptions>(configuration);
        services.AddPlacementFilter<WorkerPlacementFilterStrategy, WorkerPlacementFilterDirector>(ServiceLifetime.Singleton);
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
