using Silo.Api.Cors;

namespace Silo.Api.Tests.DataPlane;

/// <summary>How the front end reads a configured or presented origin.</summary>
public sealed class CorsOriginsTests
{
    [Theory]
    [InlineData("https://App.Example.com", "https://app.example.com")]
    [InlineData("https://app.example.com:443", "https://app.example.com")]
    [InlineData("http://localhost:3000", "http://localhost:3000")]
    [InlineData("*", "*")]
    public void Origins_AreNormalized(string given, string expected)
    {
        Assert.True(CorsOrigins.TryNormalize(given, out var origin));
        Assert.Equal(expected, origin);
    }

    [Theory]
    [InlineData("https://app.example.com/")]
    [InlineData("https://app.example.com/path")]
    [InlineData("https://app.example.com?x=1")]
    [InlineData("javascript://x")]
    [InlineData("null")]
    public void NonOrigins_AreRefused(string given) => Assert.False(CorsOrigins.TryNormalize(given, out _));
}
