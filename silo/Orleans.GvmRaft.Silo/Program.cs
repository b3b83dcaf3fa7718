using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.GvmRaft.Silo;

// Settings come from appsettings.json, GVM-prefixed environment variables (Gvm__Silo__GatewayPort)
// and the command line (--Gvm:Silo:GatewayPort 30001).
try
{
    var builder = Host.CreateApplicationBuilder(args);
    builder.AddGvmSilo();
    using var host = builder.Build();
    await host.RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    Console.Error.WriteLine($"gvm-silo: invalid configuration: {string.Join(" ", e.Failures)}");
    return 2;
}
