using BenchmarkDotNet.Running;
using Silo.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(LocalGrainCallBenchmarks).Assembly).Run(args);
