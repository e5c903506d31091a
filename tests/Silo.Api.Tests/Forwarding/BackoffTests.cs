using Microsoft.Extensions.Logging.Abstractions;
using Silo.Api.Forwarding;

namespace Silo.Api.Tests.Forwarding;

public sealed class BackoffTests
{
    [Theory]
    [InlineData(0, 1.0, 25)]
    [InlineData(1, 1.0, 50)]
    [InlineData(3, 1.0, 200)]
    [InlineData(4, 1.0, 250)]
    [InlineData(40, 1.0, 250)]
    [InlineData(0, 0.5, 12.5)]
    [InlineData(2, 0.0, 0)]
    public void Backoff_IsFullJitterUnderACappedExponential(int retry, double jitter, double expectedMilliseconds)
    {
        using var forwarder = new ProxyForwarder(null!, NullLogger<ProxyForwarder>.Instance, TimeProvider.System, () => jitter);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), forwarder.Backoff(retry));
    }
}
