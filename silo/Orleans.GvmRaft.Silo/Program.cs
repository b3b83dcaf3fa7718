using Orleans.GvmRaft.Silo;
using Orleans.GvmRaft.Silo.Dashboard;

// Settings come from appsettings.json, GVM-prefixed environment variables (Gvm__Silo__GatewayPort)
// and the command line (--Gvm:Silo:GatewayPort 30001).
return await SiloMain.RunAsync("gvm-silo", () => GvmSiloHost.Build(args));
