namespace Silo.Runtime.Membership;

/// <summary>A silo's vote that another silo failed its probes.</summary>
public sealed record SuspectVote(string Voter, DateTimeOffset Time);
