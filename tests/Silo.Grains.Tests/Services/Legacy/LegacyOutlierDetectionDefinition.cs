using Silo.Grains.Services;

namespace Silo.Grains.Tests.Services.Legacy;

/// <summary><see cref="OutlierDetectionDefinition"/> as stored before <c>UnejectOnHealthyCheck</c> existed.</summary>
[GenerateSerializer, Immutable, Alias("silo.tests.LegacyOutlierDetectionDefinition")]
internal sealed record LegacyOutlierDetectionDefinition(
    int ConsecutiveFailures,
    int BaseEjectionSeconds,
    int MaxEjectionSeconds,
    int MaxEjectionPercent);
