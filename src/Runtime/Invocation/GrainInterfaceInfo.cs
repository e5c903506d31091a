namespace Silo.Runtime;

/// <summary>Generated code for one grain interface.</summary>
public sealed class GrainInterfaceInfo(
    Type interfaceType,
    string grainType,
    Func<GrainId, IGrainCallInvoker, GrainReference> createReference,
    Func<GrainRequest>[] requestFactories)
{
    public Type InterfaceType { get; } = interfaceType;

    public string GrainType { get; } = grainType;

    public GrainReference CreateReference(GrainId grainId, IGrainCallInvoker invoker) => createReference(grainId, invoker);

    /// <summary>An empty request for method <paramref name="methodId"/>, ready for its arguments to be read.</summary>
    public GrainRequest CreateRequest(int methodId) =>
        (uint)methodId < (uint)requestFactories.Length
            ? requestFactories[methodId]()
            : throw new ArgumentOutOfRangeException(nameof(methodId), methodId, $"'{InterfaceType.FullName}' has no method {methodId}.");
}
