using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Orleans.GvmRaft.Tests.Deploy;

/// <summary>
/// The images give the host longer than .NET's 30 s to stop (DOTNET_shutdownTimeoutSeconds), so
/// Orleans can hand grains over on SIGTERM: the setting must be one the host reads. The environment
/// provider of the host's DOTNET_ variables strips the prefix, as done here.
/// </summary>
public sealed class ShutdownTimeoutTests
{
    public static TheoryData<string> SiloImages => ["gvm-silo", "gvm-worker"];

    [Theory]
    [MemberData(nameof(SiloImages))]
    public void TheImagesShutdownTimeoutReachesTheHost(string image)
    {
        const string Variable = "DOTNET_shutdownTimeoutSeconds";
        string seconds = Dockerfiles.Read(image).Environment[Variable];
        var expected = TimeSpan.FromSeconds(int.Parse(seconds, CultureInfo.InvariantCulture));
        string key = Variable["DOTNET_".Length..];

        // A silo process builds a web host when its metrics are on (as in the images), else a plain one.
        var web = WebApplication.CreateBuilder();
        web.Configuration[key] = seconds;
        using var app = web.Build();
        Assert.Equal(expected, app.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);

        var plain = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        plain.Configuration[key] = seconds;
        using var host = plain.Build();
        Assert.Equal(expected, host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
        Assert.NotEqual(new HostOptions().ShutdownTimeout, expected);
    }
}
