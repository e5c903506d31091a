namespace Silo.Grains.Telemetry;

/// <summary>
/// The front ends of the cluster (key 0), each by an id of its own with its <see cref="ITrafficSource"/>. Held in
/// memory: a front end registers again every <see cref="RegisterEvery"/> and is forgotten
/// <see cref="ForgetAfter"/> after its last registration (so a new activation of this grain knows every live
/// front end again within <see cref="RegisterEvery"/>).
/// </summary>
[Alias("silo.IFrontEndRegistryGrain")]
public interface IFrontEndRegistryGrain : IGrainWithIntegerKey
{
    public static readonly TimeSpan RegisterEvery = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan ForgetAfter = TimeSpan.FromSeconds(95);

    [Alias("Register")]
    Task RegisterAsync(Guid frontEnd, ITrafficSource source);

    /// <summary>The front ends registered within <see cref="ForgetAfter"/>.</summary>
    [Alias("List")]
    Task<IReadOnlyDictionary<Guid, ITrafficSource>> ListAsync();
}
