namespace Silo.Runtime.Membership;

/// <summary>A silo's state in the membership table. Only <see cref="Active"/> silos own grains.</summary>
public enum SiloStatus
{
    Joining,
    Active,
    ShuttingDown,
    Dead,
}
