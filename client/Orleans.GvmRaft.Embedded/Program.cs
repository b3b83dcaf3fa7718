using Orleans.GvmRaft.Embedded;

return await EmbeddedCli.RunAsync(args, Console.Out, Console.Error);
