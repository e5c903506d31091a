using Silo.Runtime.Transport;

namespace Silo.Runtime.Cluster;

/// <summary>A call sent to another silo and not answered yet.</summary>
internal sealed record PendingCall(GrainRequest Request, GrainId Target, int Attempt, SiloConnection Connection);
