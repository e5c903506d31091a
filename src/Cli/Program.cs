using Silo.Cli;

return await SiloCommands.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
