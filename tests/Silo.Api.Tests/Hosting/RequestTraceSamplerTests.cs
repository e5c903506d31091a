using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Silo.ServiceDefaults;

namespace Silo.Api.Tests.Hosting;

/// <summary>The sampler named by the SDK's variables, with traces started only by HTTP requests.</summary>
public sealed class RequestTraceSamplerTests
{
    [Theory]
    [InlineData(null, null, "ParentBased{AlwaysOnSampler}")]
    [InlineData("always_on", null, "AlwaysOnSampler")]
    [InlineData("always_off", null, "AlwaysOffSampler")]
    [InlineData("traceidratio", "0.25", "TraceIdRatioBasedSampler{0.250000}")]
    [InlineData("parentbased_always_off", null, "ParentBased{AlwaysOffSampler}")]
    [InlineData(" ParentBased_TraceIdRatio ", "0.1", "ParentBased{TraceIdRatioBasedSampler{0.100000}}")]
    [InlineData("parentbased_traceidratio", null, "ParentBased{TraceIdRatioBasedSampler{1.000000}}")]
    public void TheSdksVariables_NameTheInnerSampler(string? name, string? argument, string description)
    {
        var sampler = RequestTraceSampler.FromConfiguration(Configuration(name, argument));

        Assert.Equal(description, sampler.Inner.Description);
    }

    [Theory]
    [InlineData("sometimes", null, "OTEL_TRACES_SAMPLER 'sometimes'")]
    [InlineData("traceidratio", "1.5", "OTEL_TRACES_SAMPLER_ARG '1.5'")]
    [InlineData("parentbased_traceidratio", "ten percent", "OTEL_TRACES_SAMPLER_ARG 'ten percent'")]
    public void ABadValue_IsNamed(string name, string? argument, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => RequestTraceSampler.FromConfiguration(Configuration(name, argument)));

        Assert.StartsWith(named, Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyAnHttpRequestStartsATrace_EverySpanWithAParentIsTheInnerSamplersCall()
    {
        var sampler = new RequestTraceSampler(new AlwaysOnSampler());
        var trace = ActivityTraceId.CreateRandom();
        var parent = new ActivityContext(trace, ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);

        Assert.Equal(SamplingDecision.RecordAndSample, Decide(sampler, default, "Microsoft.AspNetCore.Hosting.HttpRequestIn", ActivityKind.Server));
        Assert.Equal(SamplingDecision.Drop, Decide(sampler, default, "Silo.Grains.Keys.IApiKeyGrain/Admit", ActivityKind.Server));
        Assert.Equal(SamplingDecision.Drop, Decide(sampler, default, "System.Net.Http.HttpRequestOut", ActivityKind.Client));
        Assert.Equal(SamplingDecision.RecordAndSample, Decide(sampler, parent, "Silo.Grains.Keys.IApiKeyGrain/Admit", ActivityKind.Server));
    }

    private static SamplingDecision Decide(Sampler sampler, ActivityContext parent, string name, ActivityKind kind) =>
        sampler.ShouldSample(new SamplingParameters(parent, parent == default ? ActivityTraceId.CreateRandom() : parent.TraceId, name, kind)).Decision;

    private static IConfiguration Configuration(string? name, string? argument) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["OTEL_TRACES_SAMPLER"] = name,
            ["OTEL_TRACES_SAMPLER_ARG"] = argument,
        }).Build();
}
