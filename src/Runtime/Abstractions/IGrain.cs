namespace Silo.Runtime;

/// <summary>Marker for grain interfaces. The source generator emits a reference and invokers for each one.</summary>
public interface IGrain;
