using Orleans.GvmRaft.Client;

return await GvmCli.RunAsync(args, Console.Out, Console.Error);
