using System.Collections.Concurrent;
using Silo.Grains.Admission;

namespace Silo.Grains.Tests.Infrastructure;

/// <summary>A lease holder reached through the cluster's client, as a front end is; it records what it was told.</summary>
internal sealed class RecordingHolder : ILeaseHolder
{
    private readonly ConcurrentQueue<string> _ended = new();
    private readonly ConcurrentQueue<string> _givenBack = new();

    public RecordingHolder(GatewayCluster silo)
        : this(silo.Grains)
    {
    }

    /// <param name="grains">The client's grain factory, or a silo's (a front end co-hosted in that silo).</param>
    public RecordingHolder(IGrainFactory grains) => Reference = grains.CreateObjectReference<ILeaseHolder>(this);

    public ILeaseHolder Reference { get; }

    public IReadOnlyList<string> Ended => [.. _ended];

    /// <summary>The keys whose grains asked for unused units back.</summary>
    public IReadOnlyList<string> GivenBack => [.. _givenBack];

    /// <summary>What the holder answers, as unused, the next time it is told its leases ended or asked to give back.</summary>
    public IReadOnlyList<LeaseReturn> Unused { get; set; } = [];

    public Task<IReadOnlyList<LeaseReturn>> LeasesEndedAsync(string keyId)
    {
        _ended.Enqueue(keyId);
        var unused = Unused;
        Unused = [];
        return Task.FromResult(unused);
    }

    public Task<IReadOnlyList<LeaseReturn>> GiveBackAsync(string keyId)
    {
        _givenBack.Enqueue(keyId);
        var unused = Unused;
        Unused = [];
        return Task.FromResult(unused);
    }
}
