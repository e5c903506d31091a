using Silo.Grains.Services;

namespace Silo.Grains.Tests.Services.Legacy;

/// <summary><see cref="ServiceState"/> as stored before the recovery settings existed: same fields, same ids.</summary>
[GenerateSerializer, Alias("silo.tests.LegacyServiceState")]
internal sealed class LegacyServiceState
{
    [Id(0)]
    public LegacyServiceDefinition? Definition { get; set; }

    [Id(1)]
    public long Version { get; set; }

    [Id(2)]
    public DateTimeOffset CreatedAt { get; set; }
}
