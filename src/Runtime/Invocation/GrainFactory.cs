namespace Silo.Runtime;

/// <summary>Creates generated grain references bound to an invoker.</summary>
internal sealed class GrainFactory(IGrainCallInvoker invoker) : IGrainFactory
{
    public TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        var info = InterfaceCache<TGrainInterface>.Info ??= GrainInterfaceRegistry.Get(typeof(TGrainInterface));
        return (TGrainInterface)(object)info.CreateReference(new GrainId(info.GrainType, key), invoker);
    }

    private static class InterfaceCache<T>
    {
        public static GrainInterfaceInfo? Info;
    }
}
