using Silo.Api.Validation;
using Silo.Grains.RateLimiting;

namespace Silo.Api.Tests.Validation;

public sealed class LimitValidationTests
{
    [Fact]
    public void Validation_NamesEveryBadField()
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        LimitValidation.Validate(
            [
                new LimitDefinition("ok", LimitAlgorithm.TokenBucket, 1, 1),
                new LimitDefinition("ok", LimitAlgorithm.FixedWindow, 0, 0, 0),
                new LimitDefinition("bad name!", LimitAlgorithm.TokenBucket, 1, LimitValidation.MaxWindowSeconds + 1),
            ],
            "limits",
            errors);

        Assert.Equal(
            ["limits[1].burst", "limits[1].limit", "limits[1].name", "limits[1].windowSeconds", "limits[2].name", "limits[2].windowSeconds"],
            errors.Keys.Order(StringComparer.Ordinal));
    }
}
