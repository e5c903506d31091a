namespace Silo.Api.Tests.Forwarding;

/// <summary>One gateway (with the forwarding harness) and one set of downstreams for the forwarder's API tests.</summary>
[CollectionDefinition(Name)]
public sealed class ForwardingCollection : ICollectionFixture<ForwardingGatewayFactory>, ICollectionFixture<DownstreamPair>
{
    public const string Name = "Forwarding";
}
