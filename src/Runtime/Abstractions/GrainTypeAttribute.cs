namespace Silo.Runtime;

/// <summary>
/// Names the grain type of a grain interface (the first half of a <see cref="GrainId"/>). Without it the
/// type is derived from the interface name: <c>IApiKeyGrain</c> becomes <c>apikey</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Interface, AllowMultiple = false, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The grain type name; lowercase, stable across versions (it is part of storage keys).</summary>
    public string Name { get; } = name;
}
