using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Mesh.Api.Endpoints;
using Mesh.Api.Json;
using Mesh.Fsm.State;

namespace Mesh.Benchmarks;

/// <summary>
/// Read latency of a service with 1, 10 and 100 instances in a store of 10,000 instances: the index lookup alone, the
/// health result a blocking query computes on every wake, and that result encoded as the JSON the endpoint sends.
/// </summary>
public class StoreReadBenchmarks
{
    public const int StoreInstances = 10_000;

    private StoreState _state = null!;
    private string _service = string.Empty;

    [Params(1, 10, 100)]
    public int Instances { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _state = StoreFixture.Get(StoreInstances).State;
        _service = StoreFixture.ServiceWith(Instances);
        if (HealthEndpoints.CheckServiceNodes(_state, _service, connect: false).Count() != Instances)
        {
            throw new InvalidOperationException($"fixture service {_service} does not have {Instances} instances");
        }

        Console.WriteLine($"// {_service}: health result JSON is {BuildHealthResultJson():N0} bytes");
    }

    [Benchmark(Description = "ServicesNamed")]
    public int ServicesNamed()
    {
        var count = 0;
        foreach (var (_, service) in _state.ServicesNamed(_service))
        {
            count += service.Port;
        }

        return count;
    }

    [Benchmark(Description = "Health result (CheckServiceNodes)")]
    public int BuildHealthResult() => HealthEndpoints.CheckServiceNodes(_state, _service, connect: false).Count();

    [Benchmark(Description = "Health result + JSON")]
    public int BuildHealthResultJson()
        => JsonSerializer.SerializeToUtf8Bytes(HealthEndpoints.CheckServiceNodes(_state, _service, connect: false).ToList(), ApiJsonContext.Default.IReadOnlyListCheckServiceNodeView).Length;
}
