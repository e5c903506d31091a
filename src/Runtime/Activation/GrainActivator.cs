using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Silo.Runtime.Persistence;
using Silo.Runtime.Serialization;

namespace Silo.Runtime.Activation;

/// <summary>
/// Builds grain instances: resolves constructor parameters from DI and binds each parameter marked
/// <see cref="PersistentStateAttribute"/> to the activation's identity and the named storage provider.
/// The constructor plan is computed once per grain class.
/// </summary>
internal sealed class GrainActivator(IServiceProvider services, GrainCodec codec)
{
    private readonly ConcurrentDictionary<Type, Plan> _plans = new();

    public (Grain Grain, IReadOnlyList<IPersistentStateLoader> States) Create(ActivationData activation)
    {
        var plan = _plans.GetOrAdd(activation.GrainClass, static type => Plan.Build(type));
        var arguments = new object?[plan.Parameters.Length];
        var states = new List<IPersistentStateLoader>();
        for (var i = 0; i < arguments.Length; i++)
        {
            var parameter = plan.Parameters[i];
            if (parameter.State is { } attribute)
            {
                var storage = services.GetKeyedService<IGrainStorage>(attribute.StorageName)
                    ?? throw new InvalidOperationException(
                        $"Grain class '{activation.GrainClass.Name}' needs storage provider '{attribute.StorageName}', which is not registered.");
                var stateType = typeof(PersistentState<>).MakeGenericType(parameter.Type.GetGenericArguments()[0]);
                var state = (IPersistentStateLoader)Activator.CreateInstance(stateType, attribute.StateName, activation, storage, codec)!;
                states.Add(state);
                arguments[i] = state;
            }
            else
            {
                arguments[i] = services.GetRequiredService(parameter.Type);
            }
        }

        var grain = (Grain)plan.Constructor.Invoke(arguments);
        return (grain, states);
    }

    private sealed record PlanParameter(Type Type, PersistentStateAttribute? State);

    private sealed record Plan(ConstructorInfo Constructor, PlanParameter[] Parameters)
    {
        public static Plan Build(Type grainClass)
        {
            if (!typeof(Grain).IsAssignableFrom(grainClass) || grainClass.IsAbstract)
            {
                throw new InvalidOperationException($"'{grainClass.FullName}' must be a concrete class derived from Grain.");
            }

            var constructor = grainClass.GetConstructors()
                .OrderByDescending(c => c.GetParameters().Length)
                .FirstOrDefault() ?? throw new InvalidOperationException($"'{grainClass.FullName}' has no public constructor.");

            var parameters = constructor.GetParameters().Select(p =>
            {
                var attribute = p.GetCustomAttribute<PersistentStateAttribute>();
                if (attribute is not null &&
                    !(p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == typeof(IPersistentState<>)))
                {
                    throw new InvalidOperationException(
                        $"Parameter '{p.Name}' of '{grainClass.FullName}' has [PersistentState] but is not an IPersistentState<T>.");
                }

                return new PlanParameter(p.ParameterType, attribute);
            }).ToArray();

            return new Plan(constructor, parameters);
        }
    }
}
