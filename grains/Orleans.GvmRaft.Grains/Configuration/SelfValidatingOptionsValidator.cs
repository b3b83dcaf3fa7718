using Microsoft.Extensions.Options;

namespace Orleans.GvmRaft.Configuration;

/// <summary>Bridges <see cref="IValidatableOptions"/> into the options pipeline so bad values stop start-up.</summary>
public sealed class SelfValidatingOptionsValidator<T> : IValidateOptions<T>
    where T : class, IValidatableOptions
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, T options)
    {
        var errors = options.Validate().ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
