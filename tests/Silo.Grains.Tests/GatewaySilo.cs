using Silo.Runtime;
using Silo.TestKit;

namespace Silo.Grains.Tests;

/// <summary>An in-process silo with the gateway grains, every call going through the codec as across silos.</summary>
internal static class GatewaySilo
{
    public static Task<InProcessSilo> StartAsync() =>
        InProcessSilo.StartAsync(
            silo => silo.AddGatewayGrains().AddMemoryGrainStorage(),
            options: o => o.SerializeLocalCalls = true);
}
