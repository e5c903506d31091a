namespace Silo.Runtime.Activation;

/// <summary>Maps grain type names to the grain classes this silo can activate.</summary>
internal sealed class GrainTypeRegistry
{
    private readonly Dictionary<string, Type> _classes = new(StringComparer.Ordinal);

    public GrainTypeRegistry(IEnumerable<GrainClassRegistration> registrations)
    {
        foreach (var registration in registrations)
        {
            var grainType = GrainInterfaceRegistry.Get(registration.InterfaceType).GrainType;
            if (_classes.TryGetValue(grainType, out var existing) && existing != registration.ClassType)
            {
                throw new InvalidOperationException(
                    $"Grain type '{grainType}' is implemented by both '{existing.FullName}' and '{registration.ClassType.FullName}'.");
            }

            _classes[grainType] = registration.ClassType;
        }
    }

    public IReadOnlyCollection<string> GrainTypes => _classes.Keys;

    public bool TryGetClass(string grainType, out Type grainClass) => _classes.TryGetValue(grainType, out grainClass!);
}
