using Silo.Grains.Identity;
using Silo.Grains.RateLimiting;

namespace Silo.Grains.Tests.Identity;

/// <summary>An issuer's settings read again (a PUT of the same list, a front end's re-read) compare equal list by list.</summary>
public sealed class IssuerDefinitionTests
{
    [Fact]
    public void TheSameSettingsInNewLists_AreTheSame_AndAnyListThatDiffersIsNot()
    {
        var definition = Definition(["api"], ["RS256"], 60);

        Assert.True(definition.SameAs(Definition(["api"], ["RS256"], 60)));
        Assert.NotEqual(definition, Definition(["api"], ["RS256"], 60)); // what record equality alone says
        Assert.False(definition.SameAs(Definition(["api", "web"], ["RS256"], 60)));
        Assert.False(definition.SameAs(Definition(["api"], ["ES256"], 60)));
        Assert.False(definition.SameAs(Definition(["api"], ["RS256"], 61)));
        Assert.False(definition.SameAs(Definition(["api"], ["RS256"], 60) with { ClockSkewSeconds = 5 }));
        Assert.False(definition.SameAs(null));
    }

    private static IssuerDefinition Definition(string[] audiences, string[] algorithms, long limit) => new(
        "https://idp.example/", [.. audiences], "https://idp.example/jwks", null, [.. algorithms], 30, "sub",
        [new LimitDefinition("minute", LimitAlgorithm.TokenBucket, limit, 60)]);
}
