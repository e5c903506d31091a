namespace Silo.Runtime;

/// <summary>Creates typed references to grains. A reference is cheap and does not activate anything by itself.</summary>
public interface IGrainFactory
{
    /// <summary>Returns a reference to the grain of interface <typeparamref name="TGrainInterface"/> with the given key.</summary>
    TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey;
}
