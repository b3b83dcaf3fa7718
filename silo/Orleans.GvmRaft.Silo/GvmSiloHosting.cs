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
using Orleans.GvmRaft.Silo.Backends;
using Orleans.GvmRaft.Silo.Kubernetes;
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
        var configuration = builder.Configuration;
        builder.Services.AddGvmGrainServices(configuration);

        // Registered before Orleans, so the schema exists before the providers read their statements.
        builder.Services.AddSingleton(silo);
        builder.Services.AddHostedService<SchemaInitializer>();
        builder.UseOrleans(orleans =>
        {
            orleans.AddGvmClustering(silo, configuration);
            orleans.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = silo.ResponseTimeout);

            // Failure detection is Orleans' own (Orleans:Membership:ProbeTimeout, NumMissedProbesLimit, ...).
            orleans.Services.Configure<ClusterMembershipOptions>(configuration.GetSection("Orleans:Membership"));
            // Memory stays bounded over millions of prompts: idle prompt grains are collected after
            // Gvm:Prompts:CollectionAge, and under memory pressure Orleans sheds activations
            // (Orleans:GrainCollection:* overrides, e.g. MemoryUsageLimitPercentage).
            var prompts = configuration.GetSection(PromptGrainOptions.SectionName).Get<PromptGrainOptions>() ?? new PromptGrainOptions();
            orleans.Configure<GrainCollectionOptions>(o =>
            {
                o.EnableActivationSheddingOnMemoryPressure = true;
                configuration.GetSection("Orleans:GrainCollection").Bind(o);
                o.ClassSpecificCollectionAge[typeof(PromptGrain).FullName!] = prompts.CollectionAge;
            });
            if (!string.IsNullOrWhiteSpace(silo.Name))
            {
                orleans.Configure<SiloOptions>(o => o.SiloName = silo.Name);
            }

            // In a pod: the pod's name is the silo's, and the silos watch the pods, so a deleted
            // pod's silo is declared dead at once rather than after missed probes.
            if (PodEnvironment.IsPod(name => configuration[name]))
            {
                orleans.UseKubernetesHosting();
            }

            orleans.AddGvmRuntime(SiloMetadata(configuration, role));
            orleans.AddGvmStorage(silo.Storage, configuration);
            orleans.AddGvmReminders(silo.EffectiveReminders, configuration);
            configure?.Invoke(orleans);
        });
        return builder;
    }

    /// <summary>
    /// What every silo of the cluster needs besides its backends: silo metadata (the worker
    /// placement filter reads it on whichever silo places a grain).
    /// </summary>
    public static ISiloBuilder AddGvmRuntime(this ISiloBuilder silo, Dictionary<string, string> metadata)
    {
        silo.UseSiloMetadata(metadata);
        return silo;
    }

    /// <summary>
    /// The silo's metadata: <c>Orleans:Metadata:*</c> from configuration, and the role when given.
    /// A worker silo's role is narrowed by <c>Gvm:Worker:Role</c> (<c>rollout</c> or <c>trainer</c>;
    /// a value that is neither is refused when the worker's options are validated).
    /// </summary>
    public static Dictionary<string, string> SiloMetadata(IConfiguration configuration, string? role)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var metadata = configuration.GetSection("Orleans:Metadata").Get<Dictionary<string, string>>() ?? [];
        if (role == WorkerRole.Worker)
        {
            role = WorkerRole.OfSetting(configuration["Gvm:Worker:Role"]) ?? role;
        }

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
        services.AddValidatedOptions<PromptTable.PromptTableOptions>(configuration);
        services.TryAddSingleton<Catalog.IPromptCatalog, Catalog.GrainPromptCatalog>();
        // The run grain's drive reminder ticks faster than Orleans' default minimum (see RevivePeriod).
        services.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TrainingRunGrain.RevivePeriod);
        services.AddPlacementFilter<WorkerPlacementFilterStrategy, WorkerPlacementFilterDirector>(ServiceLifetime.Singleton);
        services.AddPlacementFilter<ControlPlacementFilterStrategy, ControlPlacementFilterDirector>(ServiceLifetime.Singleton);
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }

    /// <summary>
    /// The silo options, validated now rather than at start: clustering needs the ports while the
    /// host is being built.
    /// </summary>
    public static GvmSiloOptions ReadSiloOptions(IConfiguration configuration)
    {
        GvmSiloOptions options;
        try
        {
            options = configuration.GetSection(GvmSiloOptions.SectionName).Get<GvmSiloOptions>() ?? new GvmSiloOptions();
        }
        catch (InvalidOperationException e)
        {
            // A value of the wrong type ("Gvm:Silo:Storage Azure"): the binder's message names the setting.
            throw new OptionsValidationException(GvmSiloOptions.SectionName, typeof(GvmSiloOptions), [e.Message]);
        }

        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new OptionsValidationException(GvmSiloOptions.SectionName, typeof(GvmSiloOptions), errors);
        }

        return options;
    }
}
