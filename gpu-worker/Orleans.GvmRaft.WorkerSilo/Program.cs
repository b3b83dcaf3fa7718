using Orleans.GvmRaft.Silo;
using Orleans.GvmRaft.Silo.Dashboard;
using Orleans.GvmRaft.Worker.Hosting;
using Orleans.GvmRaft.Workers;

// A gpu-worker silo: it joins the cluster through Gvm:Silo:PrimarySiloPort, declares the worker
// role, and starts a rollout worker; the trainer of a run may be placed here too. Settings as for
// gvm-silo, plus Gvm:Worker:* (ClaimSize, PollInterval, SampleBatch).
return await SiloMain.RunAsync("gvm-worker", () => GvmSiloHost.Build(args, WorkerRole.Worker, (silo, configuration) => silo.AddGvmWorker(configuration)));
