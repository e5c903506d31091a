using System.Text.Json.Serialization;

namespace Silo.Grains.Services;

/// <summary>Which HTTP a front end speaks to a service's endpoints.</summary>
[GenerateSerializer, Alias("silo.DownstreamHttpVersion")]
public enum DownstreamHttpVersion
{
    /// <summary>HTTP/1.1 (the default): what every HTTP server speaks; WebSockets and other upgrades go over it.</summary>
    [JsonStringEnumMemberName("1.1")]
    Http11,

    /// <summary>
    /// HTTP/2 where the endpoint offers it (TLS with ALPN, https endpoints), else HTTP/1.1. Over plain http there
    /// is no negotiation, so this is HTTP/1.1 there: use <see cref="Http2PriorKnowledge"/> for h2c.
    /// </summary>
    [JsonStringEnumMemberName("2")]
    Http2,

    /// <summary>HTTP/2 only, without negotiation (h2c over plain http): gRPC services behind the gateway.</summary>
    [JsonStringEnumMemberName("2-prior-knowledge")]
    Http2PriorKnowledge,
}
