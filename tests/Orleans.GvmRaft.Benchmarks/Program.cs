using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Orleans.GvmRaft.Benchmarks.AllocationBenchmarks).Assembly).Run(args);
