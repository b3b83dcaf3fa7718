using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Orleans.GvmRaft.Silo;

/// <summary>
/// The main of a silo executable (gvm-silo, gvm-worker): runs the host, and turns a bad setting,
/// found while building or while Orleans starts, into one line on stderr and exit code 2 rather
/// than a stack trace; any other failure to start or run is one line and exit code 1.
/// </summary>
public static class SiloMain
{
    /// <summary>Builds and runs the host; returns the process's exit code.</summary>
    public static async Task<int> RunAsync(string name, Func<IHost> build)
    {
        ArgumentNullException.ThrowIfNull(build);
        try
        {
            using var host = build();

            // The options validated on start, checked before the host starts, which would log each
            // failure with a stack trace first.
            host.Services.GetService<IStartupValidator>()?.Validate();
            await host.RunAsync();
            return 0;
        }
        catch (OptionsValidationException e)
        {
            return Invalid(name, string.Join(" ", e.Failures));
        }
        catch (OrleansConfigurationException e)
        {
            return Invalid(name, e.Message);
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // An options class bound when the host starts (Gvm:Rollouts:*, Gvm:Prompts:*, ...).
            return Invalid(name, e.Message);
        }
        catch (OperationCanceledException)
        {
            // Stopped (SIGTERM, Ctrl+C) before it had started: nothing to explain.
            Console.Error.WriteLine($"{name}: stopped while starting.");
            return 1;
        }
        catch (Exception e)
        {
            // Say why in one line (a cluster that would not let it join, a store it could not
            // reach); the host has logged the exception with its stack already.
            Console.Error.WriteLine($"{name}: could not run: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }

    private static int Invalid(string name, string message)
    {
        Console.Error.WriteLine($"{name}: invalid configuration: {message}");
        return 2;
    }
}
