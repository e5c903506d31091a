using Silo.Api.Forwarding;

namespace Silo.Api.Tests.Forwarding;

public sealed class TraceParentTests
{
    [Theory]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "01")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", "00")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-ff", "03")]
    [InlineData("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "01")]
    [InlineData("cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-what-the-future-holds", "01")]
    public void TryParse_Valid_KeepsTraceIdAndKnownFlags(string value, string flags)
    {
        Assert.True(TraceParent.TryParse(value, out var traceId, out var parsedFlags));
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", traceId);
        Assert.Equal(flags, parsedFlags);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01")]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01")]
    [InlineData("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra")]
    [InlineData("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01x")]
    [InlineData("00_0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333z-01")]
    public void TryParse_Invalid_Fails(string value) =>
        Assert.False(TraceParent.TryParse(value, out _, out _));
}
