using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Orleans.GvmRaft.Configuration;

/// <summary>Registers options bound from configuration and validated when the host starts.</summary>
public static class OptionsRegistration
{
    /// <summary>Binds <typeparamref name="T"/> from its section and fails start-up with the setting named when a value is invalid.</summary>
    public static IServiceCollection AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration)
        where T : class, IValidatableOptions
    {
        services.AddOptions<T>().Bind(configuration.GetSection(T.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, SelfValidatingOptionsValidator<T>>());
        return services;
    }
}
