using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.GvmRaft.Silo.Dashboard;
using Orleans.GvmRaft.Worker.Hosting;
using Orleans.GvmRaft.Workers;

// A gpu-worker silo: it joins the cluster through Gvm:Silo:PrimarySiloPort, declares the worker
// role, and starts a rollout worker; the trainer of a run may be placed here too. Settings as for
// gvm-silo, plus Gvm:Worker:* (ClaimSize, PollInterval, SampleBatch).
try
{
    using var host = GvmSiloHost.Build(args, WorkerRole.Worker, (silo, configuration) => silo.AddGvmWorker(configuration));
    await host.RunAsync();
    return 0;
}
catch (OptionsValidationException e)
{
    Console.Error.WriteLine($"gvm-worker: invalid configuration: {string.Join(" ", e.Failures)}");
    return 2;
}
