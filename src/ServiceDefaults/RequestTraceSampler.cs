using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;

namespace Silo.ServiceDefaults;

/// <summary>
/// The sampler of every Silo process: the one <c>OTEL_TRACES_SAMPLER</c> and <c>OTEL_TRACES_SAMPLER_ARG</c> name
/// (read as the OpenTelemetry SDK reads them; parent-based always-on when unset), except that only an HTTP request
/// a process receives starts a trace. A span without a parent that is not one (a grain call from a request left
/// unsampled, which passes no trace context on; the runtime's own calls between silos; a front end's background
/// polls, health probes and key-set fetches) is dropped: without this rule each would be sampled again as a root
/// of its own, at 10 % one orphan trace per ten grain calls of unsampled requests.
/// </summary>
public sealed class RequestTraceSampler : Sampler
{
    /// <summary>The name ASP.NET Core gives the activity of an incoming HTTP request (renamed to its route later).</summary>
    internal const string HttpRequestActivity = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    public RequestTraceSampler(Sampler inner)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Description = $"RequestTraceSampler{{{inner.Description}}}";
    }

    /// <summary>The configured sampler that decides every span this one does not drop.</summary>
    public Sampler Inner { get; }

    /// <inheritdoc />
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.ParentContext.TraceId == default &&
        !string.Equals(samplingParameters.Name, HttpRequestActivity, StringComparison.Ordinal)
            ? Drop
            : Inner.ShouldSample(samplingParameters);

    /// <summary>
    /// The sampler <paramref name="configuration"/> names with the SDK's variables: <c>always_on</c>,
    /// <c>always_off</c>, <c>traceidratio</c>, <c>parentbased_always_on</c> (the default),
    /// <c>parentbased_always_off</c> or <c>parentbased_traceidratio</c>, with the ratio (0 to 1, default 1) in
    /// <c>OTEL_TRACES_SAMPLER_ARG</c>. Throws <see cref="OptionsValidationException"/> naming a bad value (the host then
    /// stops with that one line, as for its other settings).
    /// </summary>
    public static RequestTraceSampler FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var name = configuration["OTEL_TRACES_SAMPLER"];
        var argument = configuration["OTEL_TRACES_SAMPLER_ARG"];
        Sampler inner = (string.IsNullOrWhiteSpace(name) ? "parentbased_always_on" : name.Trim().ToLowerInvariant()) switch
        {
            "always_on" => new AlwaysOnSampler(),
            "always_off" => new AlwaysOffSampler(),
            "traceidratio" => new TraceIdRatioBasedSampler(Ratio(argument)),
            "parentbased_always_on" => new ParentBasedSampler(new AlwaysOnSampler()),
            "parentbased_always_off" => new ParentBasedSampler(new AlwaysOffSampler()),
            "parentbased_traceidratio" => new ParentBasedSampler(new TraceIdRatioBasedSampler(Ratio(argument))),
            _ => throw Invalid($"OTEL_TRACES_SAMPLER '{name}' is not one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio."),
        };
        return new RequestTraceSampler(inner);
    }

    private static double Ratio(string? argument)
    {
        if (string.IsNullOrWhiteSpace(argument))
        {
            return 1.0;
        }

        return double.TryParse(argument, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is >= 0 and <= 1
            ? ratio
            : throw Invalid($"OTEL_TRACES_SAMPLER_ARG '{argument}' is not a ratio from 0 to 1.");
    }

    private static OptionsValidationException Invalid(string failure) => new("OTEL_TRACES_SAMPLER", typeof(Sampler), [failure]);
}
