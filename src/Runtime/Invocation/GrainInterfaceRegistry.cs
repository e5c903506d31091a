using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Silo.Runtime;

/// <summary>
/// What the source generator registered for each grain interface: its grain type name, how to build a
/// reference, and how to build an empty request for each method (to decode a call that arrived as bytes).
/// </summary>
public static class GrainInterfaceRegistry
{
    private static readonly ConcurrentDictionary<Type, GrainInterfaceInfo> ByInterface = new();
    private static readonly ConcurrentDictionary<string, GrainInterfaceInfo> ByInterfaceName = new(StringComparer.Ordinal);

    /// <summary>Called by generated module initializers.</summary>
    public static void Register<TGrainInterface>(
        string grainType,
        Func<GrainId, IGrainCallInvoker, GrainReference> createReference,
        Func<GrainRequest>[] requestFactories)
        where TGrainInterface : IGrain
    {
        ArgumentException.ThrowIfNullOrEmpty(grainType);
        ArgumentNullException.ThrowIfNull(createReference);
        ArgumentNullException.ThrowIfNull(requestFactories);
        var info = new GrainInterfaceInfo(typeof(TGrainInterface), grainType, createReference, requestFactories);
        ByInterface[typeof(TGrainInterface)] = info;
        ByInterfaceName[typeof(TGrainInterface).FullName!.Replace('+', '.')] = info;
    }

    /// <summary>Finds the generated code for a grain interface.</summary>
    public static GrainInterfaceInfo Get(Type grainInterface)
    {
        ArgumentNullException.ThrowIfNull(grainInterface);
        if (ByInterface.TryGetValue(grainInterface, out var info))
        {
            return info;
        }

        // Module initializers run on first use of the module's code, which a typeof() does not count as.
        RuntimeHelpers.RunModuleConstructor(grainInterface.Module.ModuleHandle);
        return ByInterface.TryGetValue(grainInterface, out info)
            ? info
            : throw new InvalidOperationException(
                $"No generated grain reference for '{grainInterface.FullName}'. Reference Silo.Runtime.CodeGen as an analyzer in the project that declares it.");
    }

    /// <summary>Finds the generated code by the interface name a request carries.</summary>
    public static bool TryGet(string interfaceName, out GrainInterfaceInfo info) =>
        ByInterfaceName.TryGetValue(interfaceName, out info!);
}
