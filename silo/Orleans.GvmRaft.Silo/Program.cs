using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.GvmRaft.Silo.Dashboard;

// Settings come from appsettings.json, GVM-prefixed environment variables (Gvm__Silo__GatewayPort)
// and the command line (--Gvm:Silo:GatewayPort 30001).
try
{
    using var host = GvmSiloHost.Build(args);
    await host.RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    Console.Error.WriteLine($"gvm-silo: invalid configuration: {string.Join(" ", e.Failures)}");
    return 2;
}
