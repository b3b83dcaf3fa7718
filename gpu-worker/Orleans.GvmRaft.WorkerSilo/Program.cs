using Orleans.GvmRaft.Silo;
using Orleans.GvmRaft.Silo.Dashboard;
using Orleans.GvmRaft.Worker.Hosting;
using Orleans.GvmRaft.Workers;

// A gpu-worker silo: it joins the cluster through Gvm:Silo:PrimarySiloPort, declares the worker
// role, and runs its rollout workers as hosted services; the trainer of a run may be placed here too. Settings as for
// gvm-silo, plus Gvm:Worker:* (ClaimSize, PollInterval, HeartbeatInterval, Devices, SampleBatch, Ledger).
return await SiloMain.RunAsync("gvm-worker", () => GvmSiloHost.Build(args, WorkerRole.Worker, (silo, configuration) => silo.AddGvmWorker(configuration)));
