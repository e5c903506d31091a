namespace Silo.Runtime.Activation;

internal enum ActivationState
{
    /// <summary>Created; its first turn constructs the grain, reads state and runs OnActivateAsync.</summary>
    Activating,

    /// <summary>Serving calls.</summary>
    Valid,

    /// <summary>OnDeactivateAsync is running; calls queued behind it are forwarded to the next activation.</summary>
    Deactivating,

    /// <summary>Gone from the catalog; nothing more runs here.</summary>
    Invalid,
}
