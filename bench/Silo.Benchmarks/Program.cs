using BenchmarkDotNet.Running;
using Silo.Benchmarks;

// "remote": the two-process remote-call benchmark; "silo-child": the second silo it starts.
// Anything else goes to BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    "remote" => await RemoteCallBenchmark.RunAsync(args[1..]),
    "silo-child" => await RemoteCallBenchmark.RunChildSiloAsync(args[1..]),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    return 0;
}
