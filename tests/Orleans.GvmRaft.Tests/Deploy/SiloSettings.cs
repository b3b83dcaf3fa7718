using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.GvmRaft.Configuration;
using Orleans.GvmRaft.Silo;
using Orleans.GvmRaft.Silo.Dashboard;
using Orleans.GvmRaft.Silo.Observability;
using Orleans.GvmRaft.Worker.Hosting;
using Orleans.GvmRaft.Workers;

namespace Orleans.GvmRaft.Tests.Deploy;

/// <summary>
/// Whether an environment's <c>Gvm__*</c>, <c>Orleans__*</c> and <c>ConnectionStrings__*</c>
/// settings are ones gvm-silo (or gvm-worker) binds: each section is an options class that binary
/// registers, every key is a property of it (the binder's ErrorOnUnknownConfiguration), and the
/// values pass the class's validation.
/// </summary>
public static class SiloSettings
{
    private static readonly string[] ConnectionStringNames = ["PostgreSql", "Redis", "AzureStorage", "Sqlite"];

    // What the silo binds from Orleans' own sections (GvmSiloHosting.AddGvmSilo); Metadata is free-form.
    private static readonly Dictionary<string, Type?> OrleansSections = new(StringComparer.Ordinal)
    {
        ["Orleans:Membership"] = typeof(ClusterMembershipOptions),
        ["Orleans:GrainCollection"] = typeof(GrainCollectionOptions),
        ["Orleans:Metadata"] = null,
    };

    /// <summary>The problems of <paramref name="environment"/> for gvm-worker (<paramref name="worker"/>) or gvm-silo; empty when none.</summary>
    public static List<string> Problems(IReadOnlyDictionary<string, string> environment, bool worker)
    {
        var settings = environment
            .Where(e => e.Key.StartsWith("Gvm__", StringComparison.Ordinal) || e.Key.StartsWith("Orleans__", StringComparison.Ordinal) || e.Key.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
            .ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value, StringComparer.Ordinal);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var registered = RegisteredOptions(configuration, worker, out var problems);
        var sections = OptionsSections(worker);

        foreach (string section in settings.Keys.Select(k => string.Join(':', k.Split(':').Take(2))).Distinct(StringComparer.Ordinal))
        {
            Type? type;
            if (section.StartsWith("ConnectionStrings:", StringComparison.Ordinal))
            {
                if (!ConnectionStringNames.Contains(section["ConnectionStrings:".Length..]))
                {
                    problems.Add($"{section} is not a connection string the silo reads ({string.Join(", ", ConnectionStringNames)}).");
                }

                continue;
            }
            else if (section.StartsWith("Orleans:", StringComparison.Ordinal))
            {
                if (!OrleansSections.TryGetValue(section, out type))
                {
                    problems.Add($"{section} is not an Orleans section the silo binds ({string.Join(", ", OrleansSections.Keys)}).");
                    continue;
                }
            }
            else if (!sections.TryGetValue(section, out type) || !registered.Contains(type))
            {
                problems.Add($"{section} is not a section {(worker ? "gvm-worker" : "gvm-silo")} binds.");
                continue;
            }

            if (type is null)
            {
                continue;
            }

            try
            {
                object? bound = configuration.GetSection(section).Get(type, o => o.ErrorOnUnknownConfiguration = true);
                if (bound is IValidatableOptions options)
                {
                    var validate = type.GetMethod(nameof(IValidatableOptions.Validate))!;
                    problems.AddRange((IEnumerable<string>)validate.Invoke(options, null)!);
                }
            }
            catch (InvalidOperationException e)
            {
                problems.Add($"{section}: {e.Message}");
            }
        }

        return problems;
    }

    // Every options class of the binary's assemblies, by its section.
    private static Dictionary<string, Type> OptionsSections(bool worker)
    {
        Assembly[] assemblies = [typeof(GvmSiloOptions).Assembly, typeof(GvmRaft.Prompts.PromptGrainOptions).Assembly, .. worker ? new[] { typeof(GvmWorkerHosting).Assembly } : []];
        return assemblies.SelectMany(a => a.GetTypes())
            .Where(t => t.IsClass && !t.IsAbstract && typeof(IValidatableOptions).IsAssignableFrom(t))
            .ToDictionary(t => (string)t.GetProperty(nameof(IValidatableOptions.SectionName), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!, StringComparer.Ordinal);
    }

    // The options classes the binary really binds: the host's own three, and those its services
    // validate (AddValidatedOptions), found by building its service collection as its Program does.
    private static HashSet<Type> RegisteredOptions(IConfiguration configuration, bool worker, out List<string> problems)
    {
        problems = [];
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        try
        {
            builder.AddGvmSilo(worker ? WorkerRole.Worker : null, silo =>
            {
                if (worker)
                {
                    silo.AddGvmWorker(builder.Configuration);
                }
            });
        }
        catch (OptionsValidationException e)
        {
            problems.AddRange(e.Failures);
        }

        var validated = builder.Services
            .Where(d => d.ServiceType.IsGenericType && d.ServiceType.GetGenericTypeDefinition() == typeof(IValidateOptions<>))
            .Select(d => d.ServiceType.GetGenericArguments()[0]);
        return [.. validated, typeof(GvmSiloOptions), typeof(GvmDashboardOptions), typeof(GvmMetricsOptions)];
    }
}
