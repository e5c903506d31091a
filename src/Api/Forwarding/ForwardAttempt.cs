namespace Silo.Api.Forwarding;

/// <summary>
/// One attempt of a forward, reported through <see cref="ForwardRequest.AttemptCompleted"/>.
/// <paramref name="Elapsed"/> runs from sending to the response head (or the failure);
/// <paramref name="StatusCode"/> is the downstream's status, null when it did not answer.
/// </summary>
public sealed record ForwardAttempt(int Attempt, Uri Target, AttemptResult Result, TimeSpan Elapsed, int? StatusCode);
