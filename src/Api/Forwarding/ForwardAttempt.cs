namespace Silo.Api.Forwarding;

/// <summary>
/// One attempt of a forward, as <see cref="ProxyFeature.Attempts"/> lists it. <paramref name="Elapsed"/> runs from
/// sending to the end of the attempt; <paramref name="StatusCode"/> is the downstream's status, null when it did not answer.
/// </summary>
public sealed record ForwardAttempt(int Attempt, Uri Target, AttemptResult Result, TimeSpan Elapsed, int? StatusCode);
