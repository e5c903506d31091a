namespace Silo.Runtime;

/// <summary>
/// Marks a grain constructor parameter of type <see cref="IPersistentState{TState}"/>: the runtime binds it
/// to the grain's identity, the given state name and the named storage provider.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class PersistentStateAttribute(string stateName, string storageName = PersistentStateAttribute.DefaultStorageName) : Attribute
{
    /// <summary>The name of the storage provider used when none is given.</summary>
    public const string DefaultStorageName = "Default";

    public string StateName { get; } = stateName;

    public string StorageName { get; } = storageName;
}
